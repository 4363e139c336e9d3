"""The Frictionless Data Package descriptor (datapackage.json) of an archive.

`resources` lists exactly the files inside the archive, each with its byte
size and SHA-256 hash, tables with their Table Schema, so that a Frictionless
reader can check the archive offline. Resources that are only linked (licence,
size limit, a service rather than a file, a failed download) are listed in
`linked_resources` with the reason: a Data Package may carry extra
properties, and a link in `resources` would make a reader fetch it.
"""
import datetime

from ckanext.smartcityms.reference import vocabularies

PROFILE_TABULAR = "tabular-data-resource"
PROFILE_FILE = "data-resource"


def licence_entry(uri):
    concept = vocabularies.vocabulary("license").get(uri) if uri else None
    if concept is None:
        return None
    return {"name": concept["code"], "path": concept["uri"], "title": concept["label"]["de"]}


def _licences(members):
    seen, result = set(), []
    for member in members:
        entry = licence_entry(member.licence)
        if entry and entry["path"] not in seen:
            seen.add(entry["path"])
            result.append(entry)
    return result


def resource_descriptor(member):
    descriptor = {
        "name": member.package_name,
        "path": member.path,
        "title": member.title,
        "profile": PROFILE_TABULAR if member.schema else PROFILE_FILE,
        # Data Package 2 `type`: a copy is checked as a file (size, hash), not parsed as a
        # table; whether the publisher's CSV is well-formed is the publisher's matter.
        "type": "table" if member.schema else "file",
        "bytes": member.bytes,
        "hash": f"sha256:{member.sha256}",
    }
    if member.description:
        descriptor["description"] = member.description
    if member.format:
        descriptor["format"] = member.format
    if member.mediatype:
        descriptor["mediatype"] = member.mediatype
    if member.schema:
        descriptor.update(encoding="utf-8", schema=member.schema,
                          dialect={"delimiter": ",", "header": True})
    entry = licence_entry(member.licence)
    if entry:
        descriptor["licenses"] = [entry]
    descriptor["sources"] = [{"title": member.dataset_title, "path": member.source_url}]
    return descriptor


def descriptor(scope, included, linked, built_at=None):
    built_at = built_at or datetime.datetime.now(datetime.timezone.utc)
    return {
        "profile": "data-package",
        "name": scope.name,
        "title": scope.title["de"],
        "homepage": scope.url,
        "created": built_at.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "licenses": _licences([*included, *linked]),
        "resources": [resource_descriptor(member) for member in included],
        "linked_resources": [_linked_descriptor(member) for member in linked],
    }


def _linked_descriptor(member):
    descriptor = {"name": member.package_name, "title": member.title, "path": member.source_url,
                  "reason": member.reason}
    entry = licence_entry(member.licence)
    if entry:
        descriptor["licenses"] = [entry]
    return descriptor
