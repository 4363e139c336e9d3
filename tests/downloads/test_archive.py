"""The archive of a dataset and of a Handlungsfeld, built in-process on the real
stack and read back with Frictionless (frictionless-py validates every file in
the archive against datapackage.json: bytes, hash, table schema)."""
import hashlib
import json
import zipfile

import frictionless
import pytest
from rdflib import Graph, Namespace, RDF

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.smartcityms.datastore import bulk_tables
from ckanext.smartcityms.downloads import jobs, scope as scopes, store
from tests.downloads.conftest import AASEE, STOPS
from tests.replay import shared_file

pytestmark = pytest.mark.usefixtures("with_plugins")
DCAT = Namespace("http://www.w3.org/ns/dcat#")


def built(kind, key):
    result = jobs.build_now(scopes.resolve(kind, key))
    assert result["state"] == "ready", result
    return store.directory() / "archives" / result["file"], result


def validate_offline(zip_path, tmp_path):
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.testzip() is None
        archive.extractall(folder)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldNumber", "type", "note"])
    return folder, json.loads((folder / "datapackage.json").read_text("utf-8"))


def test_a_dataset_archive_holds_copies_tables_links_and_metadata_valid_as_a_data_package(archive_catalogue, tmp_path):
    path, status = built("dataset", "aasee-messwerte")
    folder, package = validate_offline(path, tmp_path)
    files = {r["title"]: r for r in package["resources"]}
    linked = {r["title"]: r for r in package["linked_resources"]}

    assert set(files) == {"Messwerte August 2026 (CSV)", "Haltestellen", "Messwerte als Tabelle"}
    assert (folder / files["Messwerte August 2026 (CSV)"]["path"]).read_bytes() == shared_file(AASEE).read_bytes()
    # the download URL is what is copied (not the access URL, which redirects to another file)
    assert (folder / files["Haltestellen"]["path"]).read_bytes() == shared_file(STOPS).read_bytes()
    table = files["Messwerte als Tabelle"]
    assert table["profile"] == "tabular-data-resource" and table["path"].endswith(".csv")
    rows = frictionless.Resource(str(folder / table["path"]), schema=frictionless.Schema.from_descriptor(
        table["schema"])).read_rows()
    assert [(str(r["zeit"]), r["station"], float(r["temperatur"]), r["aktiv"], r["werte"]) for r in rows] == [
        ("2026-08-01 00:00:00", "Boje Süd", 21.5, True, [1, 2]),
        ("2026-08-01 00:15:00", 'Boje Süd, "Mitte"', 21.25, False, [])]
    for entry in package["resources"]:
        data = (folder / entry["path"]).read_bytes()
        assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)

    assert linked["Geschlossene Daten"]["reason"].startswith("licence does not allow copies")
    assert linked["Messwerte-API"]["reason"] == "a page or service, not a file"
    assert "download failed" in linked["Verschwundene Datei"]["reason"]
    assert "HTTP 404" in linked["Verschwundene Datei"]["reason"]
    readme = (folder / "README.md").read_text("utf-8")
    assert "## Fehlgeschlagen / Failed" in readme and "Verschwundene Datei" in readme.split("Failed", 1)[1]
    assert "Geschlossene Daten" in readme and archive_catalogue["replay"].url("/aasee.csv") in readme
    assert status["summary"] == {"files": 3, "linked": 3, "failed": 1, "content_bytes": sum(
        r["bytes"] for r in package["resources"])}

    graph = Graph().parse(folder / "metadata" / "dcat-ap-de.ttl", format="turtle")
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 1
    shown = json.loads((folder / "data" / "aasee-messwerte" / "dataset.json").read_text("utf-8"))
    assert shown["id"] == archive_catalogue["dataset"]["id"]


def test_a_handlungsfeld_archive_holds_its_public_datasets_only(archive_catalogue, tmp_path):
    path, status = built("handlungsfeld", "umwelt-energie-klima")
    _folder, package = validate_offline(path, tmp_path)
    with zipfile.ZipFile(path) as archive:
        datasets = {name.split("/")[1] for name in archive.namelist() if name.startswith("data/")}
    assert datasets == {"aasee-messwerte"}  # not the private one, not the other Handlungsfeld's
    assert status["datasets"] == 1 and package["name"] == "handlungsfeld-umwelt-energie-klima"


def test_the_archive_is_kept_until_the_data_changes_then_rebuilt(archive_catalogue):
    dataset = archive_catalogue["dataset"]
    path, status = built("dataset", "aasee-messwerte")
    built_at = path.stat().st_mtime_ns
    scope = scopes.resolve("dataset", "aasee-messwerte")
    assert jobs.request(scope)["state"] == "ready"  # nothing queued
    assert jobs.build_now(scope)["file"] == path.name and path.stat().st_mtime_ns == built_at  # not rebuilt

    table = dataset["resources"][2]["id"]
    bulk_tables.load(table, [("zeit", "timestamp"), ("station", "text"), ("temperatur", "numeric"),
                             ("aktiv", "bool"), ("werte", "_int4")],
                     [{"zeit": "2026-08-01T00:30:00", "station": "Boje Nord", "temperatur": "20",
                       "aktiv": True, "werte": "{3}"}], primary_key=["zeit", "station"])
    after_rows = jobs.status(scopes.resolve("dataset", "aasee-messwerte"))
    assert after_rows["state"] == "missing" and after_rows["stale"]  # new rows: the old archive is out of date

    helpers.call_action("datastore_upsert", archive_catalogue["context"], resource_id=table, method="upsert",
                        force=True, records=[{"zeit": "2026-08-01T00:45:00", "station": "Boje Ost"}])
    rebuilt = jobs.build_now(scopes.resolve("dataset", "aasee-messwerte"))
    assert rebuilt["state"] == "ready" and rebuilt["file"] != path.name and not path.exists()
    helpers.call_action("datastore_upsert", archive_catalogue["context"], resource_id=table, method="upsert",
                        force=True, records=[{"zeit": "2026-08-01T01:00:00", "station": "Boje West"}])
    assert jobs.status(scopes.resolve("dataset", "aasee-messwerte"))["state"] == "missing"

    assert jobs.build_now(scopes.resolve("dataset", "aasee-messwerte"))["state"] == "ready"
    helpers.call_action("package_patch", archive_catalogue["context"], id=dataset["id"], title="Aasee: neu")
    assert jobs.status(scopes.resolve("dataset", "aasee-messwerte"))["state"] == "missing"


@pytest.mark.ckan_config("ckanext.smartcityms.download_archive_max_mb", 0)
def test_an_archive_over_its_size_limit_links_what_does_not_fit_and_says_so(archive_catalogue, tmp_path):
    path, status = built("dataset", "aasee-messwerte")
    folder, package = validate_offline(path, tmp_path)
    assert package["resources"] == [] and status["message"] == "size-limit"
    reasons = {r["title"]: r["reason"] for r in package["linked_resources"]}
    assert "size limit" in reasons["Messwerte als Tabelle"] or "space left" in reasons["Messwerte als Tabelle"]
    assert "size limit" in (folder / "README.md").read_text("utf-8")


def test_a_request_queues_one_job_per_version_however_often_it_is_made(archive_catalogue):
    from ckan.lib import jobs as ckan_jobs
    queue = ckan_jobs.get_queue()
    queue.empty()
    scope = scopes.resolve("dataset", "aasee-messwerte")
    states = [jobs.request(scopes.resolve("dataset", "aasee-messwerte"))["state"] for _ in range(5)]
    assert states == ["queued"] * 5
    titles = [job.meta.get("title") for job in queue.jobs]
    assert titles.count(f"Archive {scope.name}") == 1
    queue.empty()


def test_private_and_unknown_scopes_have_no_archive(archive_catalogue):
    for kind, key in [("dataset", "intern"), ("dataset", "nothing"), ("handlungsfeld", "nothing"),
                      ("organization", "nothing"), ("user", "admin")]:
        with pytest.raises(tk.ObjectNotFound):
            scopes.resolve(kind, key)


@pytest.mark.ckan_config("ckanext.smartcityms.download_max_datasets", 1)
def test_more_datasets_than_an_archive_holds_is_a_clear_api_error(archive_catalogue):
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("smartcityms_download_request", kind="organization", id="stadtwerke-muenster")
    assert "more than one archive holds (1)" in str(error.value.error_dict)
