"""Bulk downloads as a team meets them: the page of `ckan run` asks for the
archive (a form with CSRF token), a real `ckan jobs worker` builds it, the page
then offers the ZIP, which Frictionless validates; the catalogue dumps are
rebuilt by the same worker after datasets changed and read by stock
ckanext-dcat's parser."""
import pathlib
import re
import subprocess
import sys
import zipfile

import frictionless
import pytest
import requests

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import RDFParser


pytestmark = pytest.mark.usefixtures("with_plugins")
CKAN = str(pathlib.Path(sys.executable).with_name("ckan"))


def run_worker():
    worker = subprocess.run([CKAN, "-c", tk.config["__file__"], "jobs", "worker", "--burst"],
                            capture_output=True, text=True, timeout=600)
    assert worker.returncode == 0, worker.stderr[-3000:]
    return worker


def test_a_team_asks_for_an_archive_on_its_page_and_downloads_it_once_the_worker_built_it(
        portal_downloads, downloads_content, live_ckan, tmp_path):
    session = requests.Session()
    page_url = live_ckan.url + "/download/dataset/aasee-messwerte"
    page = session.get(page_url)
    assert page.status_code == 200 and "Archiv erstellen" in page.text, page.text[-2000:]
    zip_url = page_url + ".zip"
    assert session.get(zip_url, headers={"Accept": "*/*"}).status_code == 404  # not built: a sentence, no file
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    asked = session.post(page_url, data={"_csrf_token": token}, allow_redirects=False)
    assert asked.status_code == 303, asked.text[-2000:]
    waiting = session.get(page_url)
    assert 'data-state="queued"' in waiting.text and "wird erstellt" in waiting.text

    run_worker()
    ready = session.get(page_url)
    assert 'data-state="ready"' in ready.text and "ZIP herunterladen" in ready.text
    status = session.get(live_ckan.url + "/api/3/action/smartcityms_download_status",
                         params={"kind": "dataset", "id": "aasee-messwerte"}).json()["result"]
    assert status["state"] == "ready" and status["summary"]["failed"] == 1
    answer = session.get(zip_url)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/zip"
    assert 'filename=dataset-aasee-messwerte.zip' in answer.headers["Content-Disposition"]
    (tmp_path / "a.zip").write_bytes(answer.content)
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        archive.extractall(tmp_path / "a")
    report = frictionless.validate(str(tmp_path / "a" / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert session.get(zip_url, headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304


def test_the_worker_rebuilds_the_catalogue_dumps_after_a_change_and_stock_dcat_reads_them(
        portal_downloads, downloads_content, live_ckan):
    run_worker()  # the changes of the set-up queued one rebuild
    lines = requests.get(live_ckan.url + "/download/catalog.jsonl").text.splitlines()
    import json
    assert sorted(json.loads(line)["name"] for line in lines) == ["aasee-messwerte", "parkhaeuser"]  # not private
    turtle = requests.get(live_ckan.url + "/download/catalog.ttl")
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse(turtle.text, _format="turtle")
    assert sorted(d["title"] for d in parser.datasets()) == ["Aasee: Messwerte", "Parkhäuser"]

    from ckan.tests import helpers
    helpers.call_action("package_patch", downloads_content["context"], id="parkhaeuser", title="Parkhäuser neu")
    run_worker()
    again = [json.loads(line)["title"] for line in requests.get(live_ckan.url + "/download/catalog.jsonl").text.splitlines()]
    assert "Parkhäuser neu" in again
    status = requests.get(live_ckan.url + "/api/3/action/smartcityms_catalogue_dump_status").json()["result"]
    assert status["state"] == "ready" and status["datasets"] == 2


def test_in_a_browser_the_page_shows_the_link_by_itself_once_built_and_the_zip_downloads(
        portal_downloads, downloads_content, live_ckan, tmp_path):
    """Keyboard only in Chromium; a running `ckan jobs worker` builds while the page waits."""
    import json
    import os
    from tests.browser import ROOT, chromium
    script = ROOT / "tests" / "a11y" / "download.mjs"
    worker = subprocess.Popen([CKAN, "-c", tk.config["__file__"], "jobs", "worker"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        done = subprocess.run(["node", str(script), live_ckan.url + "/download/dataset/aasee-messwerte",
                               str(tmp_path)], capture_output=True, text=True, timeout=240, cwd=script.parent,
                              env=dict(os.environ, SCMS_CHROMIUM=chromium()))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["before"] in ("queued", "building") and result["after"] == "ready", result
    assert result["reloaded"] is False, result  # the live region changed, the page stayed
    assert result["announced"]["role"] == "status" and result["announced"]["live"] == "polite", result
    assert "bereit" in result["announced"]["text"], result
    assert result["axe"] == [], result
    assert result["file"] == "dataset-aasee-messwerte.zip", result
    with zipfile.ZipFile(result["saved"]) as archive:
        assert "datapackage.json" in archive.namelist() and archive.testzip() is None
