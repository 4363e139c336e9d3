"""Backups that are proven (issue 28): bin/backup of the test site with every
kind of content (datasets, an uploaded file, a DataStore table, a showcase, a
data request, harvest sources with their job history, a strategy edit),
bin/restore into the fresh "restore" site (its own databases, Solr core and
Redis database), and the restored site, served by `ckan run`, answers as the
original did: the same datasets, rows, catalogue, search results and file."""
import json
import os
import subprocess

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from ckan.tests import factories, helpers

from tests.browser import ROOT, LiveCKAN
from tests.catalogues import publish_catalogue
from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
QUERIES = ["*:*", "Wasser", "Parkhaus", "Temperatur", "handlungsfeld:mobilitaet-verkehr"]


def site_environment(site):
    """The CKAN_* variables bin/env.sh sets for `site`."""
    shown = subprocess.run(["bash", "-c", f'source bin/env.sh; scms_site_env {site}; env -0'], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    pairs = (line.split("=", 1) for line in shown.split("\0") if "=" in line)
    return {key: value for key, value in pairs if key.startswith("CKAN_")}


def run(*command):
    return subprocess.run([str(ROOT / "bin" / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env=dict(os.environ, SCMS_KEEP_SERVICES="1"))


@pytest.fixture
def content(cli, replay_server, create_with_upload, clean_datastore):
    datasets = publish_catalogue(cli, replay_server)
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"]}
    org = helpers.call_action("organization_show", id="stadt-muenster")
    dataset = helpers.call_action("package_create", dict(context), **minimal_dataset(org["id"], name="mit-upload"))
    upload = create_with_upload("Zeit;Wert\n2026-12-01;4,5\n", "werte.csv", context=dict(context),
                                package_id=dataset["id"], url="upload", name="Hochgeladen",
                                license="http://dcat-ap.de/def/licenses/dl-zero-de/2.0")
    helpers.call_action("datastore_create", dict(context), resource_id=upload["id"], force=True,
                        fields=[{"id": "Zeit", "type": "timestamp"}, {"id": "Wert", "type": "numeric"}],
                        records=[{"Zeit": "2026-12-01T10:00:00", "Wert": 4.5}, {"Zeit": "2026-12-02", "Wert": 5}])
    helpers.call_action("package_create", dict(context), type="showcase", name="aasee-app", title="Aasee-App",
                        notes="Zeigt die Wasserqualität des Aasees.", owner_org=org["id"],
                        url="https://example.org/aasee-app", handlungsfeld=["umwelt-energie-klima"],
                        uses_datasets="mit-upload")
    helpers.call_action("smartcityms_data_request_create", dict(context), title="Baumkataster",
                        description="Alle Straßenbäume mit Art, Pflanzjahr und Standort.",
                        intended_use="Eine Karte der Stadtbäume für die Schule.")
    return {"datasets": [d["name"] for d in datasets] + ["mit-upload"], "upload": upload}


def answers(server, content):
    """What a client sees of a site: every dataset, the table's rows, the catalogue, searches, the file."""
    api = f"{server.url}/api/3/action/"
    shown = {name: requests.get(api + "package_show", params={"id": name}, timeout=30).json()["result"]
             for name in content["datasets"]}
    rows = requests.get(api + "datastore_search", params={"resource_id": content["upload"]["id"]},
                        timeout=30).json()["result"]["records"]
    searches = {q: [d["name"] for d in requests.get(api + "package_search", params={
        "q": q, "rows": 100, "sort": "name asc"}, timeout=30).json()["result"]["results"]] for q in QUERIES}
    catalogue = rdflib.Graph().parse(data=requests.get(f"{server.url}/catalog.ttl", timeout=60).text, format="turtle")
    file = requests.get(content["upload"]["url"].replace("http://test.ckan.net", server.url), timeout=30).content
    requests_list = requests.get(api + "smartcityms_data_request_list", timeout=30).json()["result"]
    return {"shown": shown, "rows": rows, "searches": searches, "file": file, "catalogue": catalogue,
            "data_requests": [r["title"] for r in requests_list["results"]]}


def test_a_backup_restored_into_a_fresh_site_answers_as_the_original(content, tmp_path):
    original_server = LiveCKAN(ROOT / "test.ini")
    try:
        before = answers(original_server, content)
    finally:
        original_server.stop()
    assert before["rows"] and before["file"].startswith(b"Zeit;Wert") and before["data_requests"]
    assert len(before["shown"]) >= 25 and len(before["catalogue"]) > 1000 and len(before["searches"]["*:*"]) >= 25

    made = run("backup", "--site", "test", str(tmp_path / "backup"))
    assert made.returncode == 0, made.stderr[-3000:]
    manifest = json.loads((tmp_path / "backup" / "MANIFEST.json").read_text())
    assert {"ckan.dump", "datastore.dump", "storage.tar", "config/site.ini"} <= set(manifest["files"])

    restored = run("restore", "--site", "restore", "--force", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr[-3000:]
    again = run("restore", "--site", "restore", str(tmp_path / "backup"))
    assert again.returncode != 0 and "--force" in again.stderr

    restore_site = site_environment("restore")
    assert restore_site["CKAN_SQLALCHEMY_URL"].endswith("/ckan_restore") and restore_site["CKAN_SOLR_URL"].endswith(
        "/ckan_restore")
    restored_server = LiveCKAN(ROOT / "test.ini", env=restore_site)
    try:
        after = answers(restored_server, content)
    finally:
        restored_server.stop()
    assert after["shown"] == before["shown"]
    assert after["rows"] == before["rows"]
    assert after["searches"] == before["searches"]
    assert after["file"] == before["file"]
    assert after["data_requests"] == before["data_requests"]
    assert isomorphic(after["catalogue"], before["catalogue"])


def test_a_damaged_backup_is_refused_before_anything_is_touched(content, tmp_path):
    made = run("backup", "--site", "test", str(tmp_path / "backup"))
    assert made.returncode == 0, made.stderr[-3000:]
    with open(tmp_path / "backup" / "datastore.dump", "r+b") as dump:
        dump.seek(100)
        dump.write(b"kaputt")
    refused = run("restore", "--site", "restore", "--force", str(tmp_path / "backup"))
    assert refused.returncode != 0 and "SHA-256" in refused.stderr
