"""What an archive holds: the public datasets of one dataset, Handlungsfeld or
organization, and a version that changes whenever the archive would."""
import hashlib

from rdflib import URIRef

import ckan.plugins.toolkit as tk
from ckanext.dcat.utils import dataset_uri

from ckanext.smartcityms import cache, strategy
from ckanext.smartcityms.dcat.profile import output_versions

KINDS = ("dataset", "handlungsfeld", "organization")
# Raised when the archive's layout changes, so that every stored archive is rebuilt.
ARCHIVE_FORMAT = "1"


class TooManyDatasets(Exception):
    """More public datasets than one archive may hold."""


class Scope:
    def __init__(self, kind, key, title, datasets, url):
        # title: {"de": …, "en": …} (a dataset's or organization's one title stands for both)
        title = title if isinstance(title, dict) else {"de": title, "en": title}
        self.kind, self.key, self.title, self.datasets, self.url = kind, key, title, datasets, url
        self._version = None

    @property
    def name(self):
        """The archive's file name without extension (a Data Package name: lower case, - and _)."""
        return f"{self.kind}-{self.key}".lower()

    @property
    def version(self):
        """A hash of everything the archive shows; None if a revision cannot be read (Redis down)."""
        if self._version is None:
            self._version = version_of(self.datasets, self.kind, self.key)
        return self._version or None


def max_datasets():
    return tk.config.get("ckanext.smartcityms.download_max_datasets")


def archive_max_bytes():
    return tk.config.get("ckanext.smartcityms.download_archive_max_mb") * 1024 * 1024


def version_of(datasets, kind, key):
    items = [(d, URIRef(dataset_uri(d))) for d in datasets]
    dcat_versions = output_versions(items)
    tables = [cache.table_revision_name(r["id"]) for d in datasets for r in d.get("resources", [])
              if r.get("datastore_active")]
    revisions = cache.revisions(tables) if tables else {}
    if None in dcat_versions or None in revisions.values():
        return ""
    digest = hashlib.sha256()
    for part in (ARCHIVE_FORMAT, str(archive_max_bytes()), kind, key, *sorted(dcat_versions),
                 *(f"{name}={revisions[name]}" for name in sorted(revisions))):
        digest.update(part.encode("utf-8") + b"\x00")
    return digest.hexdigest()[:20]


def _public_search(fq):
    limit = max_datasets()
    found = tk.get_action("package_search")({"ignore_auth": True}, {
        "q": "*:*", "fq": f"+dataset_type:dataset {fq}", "rows": limit + 1, "sort": "name asc",
        "include_private": False})
    if found["count"] > limit:
        raise TooManyDatasets(found["count"])
    return found["results"]


def resolve(kind, key):
    """The Scope of `kind` `key`; tk.ObjectNotFound for an unknown or non-public one."""
    if kind not in KINDS:
        raise tk.ObjectNotFound(kind)
    if kind == "dataset":
        try:
            dataset = tk.get_action("package_show")({}, {"id": key})
        except tk.NotAuthorized:  # private: archives are public files
            raise tk.ObjectNotFound(key)
        if dataset.get("state") != "active" or dataset.get("private") or dataset.get("type") != "dataset":
            raise tk.ObjectNotFound(key)
        return Scope(kind, dataset["name"], dataset["title"], [dataset],
                     tk.url_for("dataset.read", id=dataset["name"], _external=True))
    if kind == "handlungsfeld":
        field = strategy.handlungsfeld(key)
        if field is None:
            raise tk.ObjectNotFound(key)
        return Scope(kind, field["slug"], field["title"], _public_search(f'+handlungsfeld:"{field["slug"]}"'),
                     tk.url_for("smartcityms_theme.handlungsfeld", slug=field["slug"], _external=True))
    organization = tk.get_action("organization_show")({}, {"id": key, "include_datasets": False})
    if organization.get("state") != "active":
        raise tk.ObjectNotFound(key)
    return Scope(kind, organization["name"], organization["title"] or organization["name"],
                 _public_search(f'+owner_org:"{organization["id"]}"'),
                 tk.url_for("organization.read", id=organization["name"], _external=True))
