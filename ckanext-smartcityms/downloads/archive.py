"""One archive (ZIP) of a Scope: copies of the resources where the licence
allows, DataStore tables as CSV, links otherwise, with datapackage.json, the
DCAT-AP.de metadata and a README that names every resource left out and why.

Each copy is first written to a staging file with the bytes the archive has
left as its limit; a copy that fails or does not fit is dropped and listed as
a link, so the ZIP never holds half a file. The archive's own size is bounded
by `download_archive_max_mb` (uncompressed content).
"""
import datetime
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

from ckanext.smartcityms.datastore import export as table_export
from ckanext.smartcityms.dcat import catalog as dcat_catalog
from ckanext.smartcityms.downloads import datapackage
from ckanext.smartcityms.outbound import http
from ckanext.smartcityms.reference import vocabularies

log = logging.getLogger(__name__)

# Licence codes (schemas/vocabularies/license.json) whose terms allow passing on
# unchanged copies: every open licence, and the CC/DL-DE licences that forbid
# changes (nd) or commercial use (nc) but not copying. Freeware, commercial and
# closed terms, and a resource without a licence, are only linked.
COPYABLE_CLOSED = {"cc-by-nd/4.0", "cc-by-nd/3.0", "cc-by-nc/4.0", "cc-by-nc-de/3.0", "cc-by-nc",
                   "dl-by-nc-de/1.0"}
# A resource's own URL is fetched as a file only for these formats (file-type codes);
# any other URL without a download URL is a page or a service (an API, a map service).
FILE_FORMATS = {"CSV", "TSV", "JSON", "GEOJSON", "XML", "ZIP", "XLSX", "XLS", "ODS", "PDF", "TXT", "RDF_TURTLE",
                "RDF_XML", "JSON_LD", "GTFS", "KML", "KMZ", "SHP", "GPKG", "PNG", "JPEG", "TIFF", "GZIP", "TAR"}
EXTENSIONS = {"RDF_TURTLE": "ttl", "RDF_XML": "rdf", "JSON_LD": "jsonld", "GZIP": "gz", "GTFS": "zip",
              "JPEG": "jpg"}


class Member:
    """One resource of the archive: a file inside it, or a link with the reason."""

    def __init__(self, dataset, resource):
        self.dataset_name = dataset["name"]
        self.dataset_title = dataset.get("title") or dataset["name"]
        self.resource_id = resource["id"]
        self.title = resource.get("name") or resource.get("url") or resource["id"]
        self.description = (resource.get("description") or "")[:2000]
        self.licence = resource.get("license") or ""
        self.attribution = resource.get("license_attribution_by_text") or ""
        self.source_url = resource.get("download_url") or resource.get("url") or ""
        self.format = None
        self.mediatype = None
        self.path = None
        self.package_name = f"{self.dataset_name}.{slug(self.title)}"
        self.bytes = 0
        self.sha256 = None
        self.schema = None
        self.reason = None  # set for linked members
        self.failed = False  # a download was tried and failed

    def link(self, reason, failed=False):
        self.reason, self.failed = reason, failed
        return self


class Report:
    def __init__(self):
        self.included, self.linked = [], []
        self.bytes = 0
        self.capped = False  # a resource was left out because of the size limit

    @property
    def failed(self):
        return [m for m in self.linked if m.failed]

    def summary(self):
        return {"files": len(self.included), "linked": len(self.linked), "failed": len(self.failed),
                "content_bytes": self.bytes}


def copyable(licence):
    concept = vocabularies.vocabulary("license").get(licence) if licence else None
    return bool(concept and (concept.get("open") or concept["code"] in COPYABLE_CLOSED))


def slug(text, limit=60):
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:limit].strip("-") or "resource"


def _format_code(resource):
    concept = vocabularies.vocabulary("file-type").get(resource.get("format") or "")
    return concept["code"] if concept else None


def _extension(code, url):
    if code:
        return EXTENSIONS.get(code, code.lower())
    suffix = os.path.splitext(urlsplit(url or "").path)[1].lstrip(".").lower()
    return suffix if re.fullmatch(r"[a-z0-9]{1,8}", suffix) else "bin"


def _mediatype(resource):
    value = resource.get("mimetype") or ""
    prefix = "http://www.iana.org/assignments/media-types/"
    value = value[len(prefix):] if value.startswith(prefix) else value
    return value if re.fullmatch(r"[\w.+-]+/[\w.+-]+", value) else None


class _Hashing:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, target):
        self.target, self.bytes, self.digest = target, 0, hashlib.sha256()

    def write(self, data):
        self.bytes += len(data)
        self.digest.update(data)
        return self.target.write(data)


class Builder:
    def __init__(self, scope, max_bytes, fetch_timeout, staging):
        self.scope, self.max_bytes, self.fetch_timeout, self.staging = scope, max_bytes, fetch_timeout, staging
        self.report = Report()
        self._paths = set()

    @property
    def remaining(self):
        return self.max_bytes - self.report.bytes

    def _unique_path(self, dataset_name, stem, extension):
        """(path in the archive, Data Package resource name), both unique."""
        unique, number = stem, 2
        while f"data/{dataset_name}/{unique}.{extension}" in self._paths:
            unique, number = f"{stem}-{number}", number + 1
        path = f"data/{dataset_name}/{unique}.{extension}"
        self._paths.add(path)
        return path, f"{dataset_name}.{unique}.{extension}"

    def _stage(self, member, write):
        """Run write(file) into a staging file; the member gets its size and hash, or an exception."""
        staged = os.path.join(self.staging, f"{member.resource_id}.part")
        with open(staged, "wb") as raw:
            hashing = _Hashing(raw)
            write(hashing)
        member.bytes, member.sha256 = hashing.bytes, hashing.digest.hexdigest()
        return staged

    def add_resource(self, zip_file, dataset, resource):
        member = Member(dataset, resource)
        code = _format_code(resource)
        member.format = code.lower() if code else None
        member.mediatype = _mediatype(resource)
        if not copyable(member.licence):
            label = (vocabularies.vocabulary("license").get(member.licence) or {}).get("code") or "none"
            return self.report.linked.append(member.link(f"licence does not allow copies ({label})"))
        if self.remaining <= 0:
            self.report.capped = True
            return self.report.linked.append(member.link("the archive reached its size limit"))
        try:
            if resource.get("datastore_active"):
                staged = self._stage(member, lambda f: table_export.write_csv(resource["id"], f, self.remaining))
                member.schema = table_export.table_schema(resource["id"])
                member.format, member.mediatype, extension = "csv", "text/csv", "csv"
                member.source_url = tk.url_for("datastore.dump", resource_id=resource["id"], _external=True)
            elif resource.get("url_type") == "upload":
                from ckan.lib.uploader import get_resource_uploader
                local = get_resource_uploader(resource).get_path(resource["id"])
                if os.path.getsize(local) > self.remaining:
                    raise table_export.ExportTooLarge("too large")
                staged = self._stage(member, lambda f: _copy_file(local, f))
                extension = _extension(code, resource.get("url"))
            elif resource.get("download_url") or (code in FILE_FORMATS and resource.get("url")):
                url = resource.get("download_url") or resource["url"]
                staged = self._stage(member, lambda f: self._fetch(url, f))
                extension = _extension(code, url)
            else:
                return self.report.linked.append(member.link("a page or service, not a file"))
        except (table_export.ExportTooLarge, http.TooLarge):
            self.report.capped = True
            return self.report.linked.append(member.link(
                f"larger than the space left in the archive (limit {self.max_bytes // (1024 * 1024)} MB)"))
        except (http.FetchError, OSError, LookupError) as error:
            return self.report.linked.append(member.link(f"download failed: {str(error)[:300]}", failed=True))
        except Exception as error:  # one resource never breaks the archive; the README says what happened
            log.exception("Archive %s: resource %s could not be added", self.scope.name, resource["id"])
            return self.report.linked.append(member.link(f"could not be copied: {error.__class__.__name__}",
                                                         failed=True))
        member.path, member.package_name = self._unique_path(dataset["name"], slug(member.title), extension)
        zip_file.write(staged, member.path)
        os.unlink(staged)
        self.report.bytes += member.bytes
        self.report.included.append(member)

    def _fetch(self, url, target):
        response = http.fetch_response(url, purpose=http.ARCHIVE, timeout=self.fetch_timeout, max_bytes=self.remaining, sink=target)
        if response.status >= 400:
            raise http.FetchError(f"{url[:200]} answered HTTP {response.status} {response.reason}")

    def build(self, target_path):
        built_at = datetime.datetime.now(datetime.timezone.utc)
        with zipfile.ZipFile(target_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zip_file:
            for dataset in self.scope.datasets:
                zip_file.writestr(f"data/{dataset['name']}/dataset.json",
                                  json.dumps(dataset, ensure_ascii=False, indent=1))
                for resource in dataset.get("resources", []):
                    self.add_resource(zip_file, dataset, resource)
            descriptor = datapackage.descriptor(self.scope, self.report.included, self.report.linked, built_at)
            zip_file.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=1))
            zip_file.writestr("metadata/dcat-ap-de.ttl", dcat_turtle(self.scope.datasets))
            zip_file.writestr("README.md", readme(self.scope, self.report, built_at, self.max_bytes))
        return self.report


def _copy_file(path, target):
    with open(path, "rb") as source:
        shutil.copyfileobj(source, target, 1024 * 1024)


def dcat_turtle(datasets):
    return dcat_catalog.catalog_turtle(datasets, None)


def _licence_line(member):
    concept = vocabularies.vocabulary("license").get(member.licence) if member.licence else None
    text = f"{concept['label']['de']} <{concept['uri']}>" if concept else "—"
    if member.attribution:
        text += f"; Namensnennung / attribution: {member.attribution}"
    return text


def readme(scope, report, built_at, max_bytes):
    """The archive's README (German first, then English)."""
    lines = [
        f"# {scope.title['de']}", "",
        f"Quelle / Source: {scope.url}",
        f"Erstellt / Built: {built_at.replace(microsecond=0).isoformat()}",
        f"Datensätze / Datasets: {len(scope.datasets)}", "",
        "Dieses Archiv enthält Kopien der Ressourcen, deren Lizenz das Weitergeben erlaubt, "
        "DataStore-Tabellen als CSV, `datapackage.json` (Frictionless Data Package) und die "
        "Metadaten in DCAT-AP.de (`metadata/dcat-ap-de.ttl`). Andere Ressourcen sind unten verlinkt, "
        "mit dem Grund.", "",
        "This archive holds copies of the resources whose licence allows passing them on, DataStore "
        "tables as CSV, `datapackage.json` (Frictionless Data Package) and the DCAT-AP.de metadata "
        "(`metadata/dcat-ap-de.ttl`). Other resources are linked below, with the reason.", "",
        f"Größengrenze / size limit: {max_bytes // (1024 * 1024)} MB", "",
        "## Dateien / Files", "",
    ]
    for member in report.included:
        lines.append(f"- `{member.path}` — {member.title} ({member.dataset_title}); {member.bytes:,} bytes; "
                     f"Lizenz / licence: {_licence_line(member)}")
    if not report.included:
        lines.append("- —")
    lines += ["", "## Nur verlinkt / Linked only", ""]
    for member in report.linked:
        lines.append(f"- {member.title} ({member.dataset_title}): <{member.source_url}> — {member.reason}; "
                     f"Lizenz / licence: {_licence_line(member)}")
    if not report.linked:
        lines.append("- —")
    if report.failed:
        lines += ["", "## Fehlgeschlagen / Failed", "",
                  "Diese Downloads schlugen beim Erstellen fehl; die Links oben führen zur Quelle. / "
                  "These downloads failed while the archive was built; the links above lead to the source.", ""]
        lines += [f"- {member.title} ({member.dataset_title}): {member.reason}" for member in report.failed]
    return "\n".join(lines) + "\n"


def build(scope, target_path, max_bytes, fetch_timeout):
    """Write the archive of `scope` to `target_path`; returns the Report."""
    with tempfile.TemporaryDirectory(dir=os.path.dirname(target_path), prefix=".staging-") as staging:
        return Builder(scope, max_bytes, fetch_timeout, staging).build(target_path)
