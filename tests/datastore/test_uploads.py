"""Uploaded and linked tables as an editor meets them: `ckan run` takes the file
through the Action API, a real `ckan jobs worker` runs ckanext-xloader's load
and our typing job, and the table answers through the API and its views.

The file is the real Münster extract of the Bundesnetzagentur's charging
station register (semicolons, decimal commas, dd.mm.yyyy dates), encoded in
Latin-1 as office exports are."""
import pathlib
import subprocess
import sys
import time

import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.browser import LiveCKAN, free_port, render
from tests.datasets import LICENSES, minimal_dataset
from tests.replay import Response, shared_file

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore")
CKAN = str(pathlib.Path(sys.executable).with_name("ckan"))
CHARGERS = "fixtures/stadtwerke/ladesaeulen_muenster_bnetza_extract_head.csv"
BICYCLES = "fixtures/stadtwerke/radverkehr_zaehlstelle_100031297_2026-08_head.csv"
LICENCE = LICENSES + "dl-by-de/2.0"


@pytest.fixture
def portal(tmp_path):
    """The web server, the job worker and the outbound proxy, as `make demo` runs
    them; xloader reaches the web server on its loopback address
    (ckanext.xloader.site_url) and every server through the proxy."""
    from ckan.lib import jobs as ckan_jobs
    ckan_jobs.get_queue().empty()
    port, proxy_port = free_port(), free_port()
    ini = tmp_path / "uploads.ini"
    ini.write_text(f"[app:main]\nuse = config:{tk.config['__file__']}\n"
                   f"ckanext.xloader.site_url = http://127.0.0.1:{port}\n"
                   f"ckan.download_proxy = http://127.0.0.1:{proxy_port}\n")
    proxy = subprocess.Popen([CKAN, "-c", str(ini), "smartcityms", "outbound-proxy", "--port", str(proxy_port)],
                             stdout=subprocess.DEVNULL, stderr=open(tmp_path / "proxy.log", "w"))
    server = LiveCKAN(ini, port=port)
    worker = subprocess.Popen([CKAN, "-c", str(ini), "jobs", "worker"],
                              stdout=subprocess.DEVNULL, stderr=open(tmp_path / "worker.log", "w"))
    yield server
    for process in (worker, proxy):
        process.terminate()
        process.wait(timeout=30)
    server.stop()
    ckan_jobs.get_queue().empty()


@pytest.fixture
def editor():
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}], image_url="")
    token = helpers.call_action("api_token_create", {"user": user["name"]}, user=user["name"], name="t")["token"]
    dataset = helpers.call_action("package_create", {"user": user["name"]}, **minimal_dataset(
        org["id"], name="ladesaeulen", title="Ladesäulen in Münster", handlungsfeld=["umwelt-energie-klima"]))
    return {"token": token, "dataset": dataset}


def api(portal, action, token=None, **params):
    answer = requests.get(f"{portal.url}/api/3/action/{action}", params=params,
                          headers={"Authorization": token} if token else {}, timeout=30)
    return answer.json()


def wait_for(condition, what, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def upload(portal, editor, name, body, resource_id=None):
    action = "resource_update" if resource_id else "resource_create"
    data = {"name": name, "format": "CSV", "license": LICENCE, "license_attribution_by_text": "Stadt Münster"}
    data.update({"id": resource_id} if resource_id else {"package_id": editor["dataset"]["id"]})
    answer = requests.post(f"{portal.url}/api/3/action/{action}", data=data,
                           files={"upload": (name, body, "text/csv")},
                           headers={"Authorization": editor["token"]}, timeout=60)
    assert answer.status_code == 200, answer.text[-2000:]
    return answer.json()["result"]


def load_status(portal, editor, resource_id):
    status = api(portal, "xloader_status", editor["token"], resource_id=resource_id)
    return status["result"]["status"] if status.get("success") else None


def field_types(portal, resource_id):
    info = api(portal, "datastore_info", id=resource_id)
    return {f["id"]: f["type"] for f in info["result"]["fields"]} if info.get("success") else {}


def test_an_uploaded_german_csv_becomes_a_typed_searchable_table_with_preview_and_chart(portal, editor):
    body = shared_file(CHARGERS).read_bytes().decode("utf-8").encode("latin-1")
    resource = upload(portal, editor, "ladesaeulen.csv", body)

    wait_for(lambda: load_status(portal, editor, resource["id"]) == "complete", "the xloader load")
    types = wait_for(lambda: (lambda t: t if t.get("Breitengrad") == "numeric" else None)(
        field_types(portal, resource["id"])), "typing the columns")
    assert types["Inbetriebnahmedatum"] == "date"
    assert types["Nennleistung Ladeeinrichtung [kW]"] == "numeric"
    assert types["Straße"] == "text" and types["Public Key1"] == "text"

    rows = api(portal, "datastore_search", resource_id=resource["id"], limit=100)["result"]
    assert rows["total"] == 29
    first = {r["Straße"]: r for r in rows["records"]}["Ritterstraße"]  # Latin-1 read as such
    assert float(first["Breitengrad"]) == 51.964164 and float(first["Längengrad"]) == 7.63198
    assert first["Inbetriebnahmedatum"].startswith("2022-03-07")
    # German full text: a plural form finds the singular in the file
    found = api(portal, "datastore_search", resource_id=resource["id"], q="Normalladeeinrichtungen")
    assert found["result"]["total"] >= 1

    wait_for(lambda: len({v["view_type"] for v in api(portal, "resource_view_list", id=resource["id"])["result"]}
                         & {"datatables_view", "smartcityms_table_chart"}) == 2, "both views")
    views = {v["view_type"]: v for v in api(portal, "resource_view_list", id=resource["id"])["result"]}
    chart = render(f"{portal.url}/dataset/ladesaeulen/resource/{resource['id']}/view/"
                   f"{views['smartcityms_table_chart']['id']}", "upload-chart.png")
    # the measurement, not the postcode or a coordinate, over the commissioning date
    assert "29 Werte von Nennleistung Ladeeinrichtung [kW] von" in chart, chart[-3000:]
    page = requests.get(f"{portal.url}/dataset/ladesaeulen/resource/{resource['id']}", timeout=30).text
    assert views["datatables_view"]["id"] in page

    # A broken replacement keeps the resource and the table it had, and says why
    broken = upload(portal, editor, "ladesaeulen.csv", b"\x00\x01PK\x03\x04" + bytes(range(256)) * 40,
                    resource_id=resource["id"])
    assert broken["id"] == resource["id"]
    wait_for(lambda: load_status(portal, editor, resource["id"]) == "error", "the failed load")
    status = api(portal, "xloader_status", editor["token"], resource_id=resource["id"])["result"]
    assert status["error"] or status["task_info"]["error"], status
    assert api(portal, "resource_show", id=resource["id"])["success"]
    assert api(portal, "datastore_search", resource_id=resource["id"])["result"]["total"] == 29


def test_a_linked_table_loads_and_a_link_to_an_internal_address_is_refused_with_the_reason(
        portal, editor, replay_server):
    replay_server.serve_file("/radverkehr.csv", BICYCLES, "text/csv")

    def link(name, url):
        answer = requests.post(f"{portal.url}/api/3/action/resource_create", json={
            "package_id": editor["dataset"]["id"], "name": name, "url": url, "format": "CSV",
            "license": LICENCE, "license_attribution_by_text": "Stadt Münster"},
            headers={"Authorization": editor["token"]}, timeout=60)
        assert answer.status_code == 200, answer.text[-2000:]
        return answer.json()["result"]

    linked = link("Radverkehr Promenade", replay_server.url("/radverkehr.csv"))
    wait_for(lambda: field_types(portal, linked["id"]).get("Datetime") == "timestamp", "the linked load")
    assert field_types(portal, linked["id"])["100031297 (Promenade (nördl. Salzstraße))"] == "numeric"

    internal = link("Intern", "http://10.20.30.40/export.csv")
    status = api(portal, "xloader_status", editor["token"], resource_id=internal["id"])["result"]
    assert status["status"] == "error" and "internal address" in status["error"]["message"], status
    assert not api(portal, "resource_show", id=internal["id"])["result"].get("datastore_active")
    page = requests.get(f"{portal.url}/dataset/ladesaeulen/resource_data/{internal['id']}",
                        headers={"Authorization": editor["token"]}, timeout=30).text
    assert "internal address" in page


def test_a_link_that_turns_to_an_internal_address_after_our_check_is_stopped_by_the_proxy(
        portal, editor, replay_server):
    """The server answers our check with a table and xloader's own download with a
    redirect to an internal address (or a name that resolves elsewhere the second
    time): the proxy xloader downloads through judges that hop and refuses it."""
    table = shared_file(BICYCLES).read_bytes()
    replay_server.routes["/wechselhaft.csv"] = [
        Response(table, 200, "text/csv"),
        # IPv6 loopback: internal (test.ini allows only 127.0.0.0/8), and harmless should the guard ever fail
        Response(b"", 302, "text/plain", headers={"Location": "http://[::1]:9/intern.csv"})]
    answer = requests.post(f"{portal.url}/api/3/action/resource_create", json={
        "package_id": editor["dataset"]["id"], "name": "Wechselhaft", "url": replay_server.url("/wechselhaft.csv"),
        "format": "CSV", "license": LICENCE, "license_attribution_by_text": "Stadt Münster"},
        headers={"Authorization": editor["token"]}, timeout=60)
    assert answer.status_code == 200, answer.text[-2000:]
    resource_id = answer.json()["result"]["id"]
    status = wait_for(lambda: (lambda s: s if s.get("status") == "error" else None)(
        api(portal, "xloader_status", editor["token"], resource_id=resource_id)["result"]), "the refused download")
    assert "403" in str(status["error"]) and "[::1]:9/intern.csv" in str(status["error"]), status
    assert replay_server.requests.count("/wechselhaft.csv") == 2  # our check, then xloader's download
    assert not api(portal, "resource_show", id=resource_id)["result"].get("datastore_active")


def test_resources_of_harvested_datasets_are_left_to_their_harvester(editor):
    from ckanext.harvest import model as harvest_model
    context = {"user": factories.Sysadmin()["name"]}
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": "opensensemap", "title": "openSenseMap", "url": "https://api.opensensemap.org/boxes",
        "source_type": "opensensemap", "owner_org": editor["dataset"]["owner_org"], "frequency": "MANUAL"})
    job = harvest_model.HarvestJob(source_id=source["id"])
    job.save()
    harvest_model.HarvestObject(job=job, harvest_source_id=source["id"], guid="box-1",
                                package_id=editor["dataset"]["id"], current=True).save()
    resource = editor["dataset"]["resources"][0]
    helpers.call_action("resource_patch", context, id=resource["id"], format="CSV")
    assert helpers.call_action("xloader_submit", context, resource_id=resource["id"]) is False
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("task_status_show", context, entity_id=resource["id"], task_type="xloader",
                            key="xloader")


def spreadsheet(tmp_path):
    """An office export as editors upload them: German headers, numbers and dates
    as real cells, and a measurement typed as text with a decimal comma."""
    import datetime

    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Pegel"
    sheet.append(["Messstelle", "Datum", "Wasserstand [cm]", "Temperatur [°C]", "Kennung"])
    for day in range(1, 31):
        sheet.append(["Aasee Nord", datetime.date(2026, 8, day), 180 + day, f"{18 + day / 10:.1f}".replace(".", ","),
                      f"{day:04d}"])
    path = tmp_path / "pegel.xlsx"
    book.save(path)
    return path.read_bytes()


def test_an_uploaded_spreadsheet_becomes_a_typed_table_whose_pages_pass_axe(portal, editor, tmp_path):
    from tests.web.test_accessibility import check
    answer = requests.post(f"{portal.url}/api/3/action/resource_create", data={
        "package_id": editor["dataset"]["id"], "name": "Pegel Aasee", "format": "XLSX", "license": LICENCE,
        "license_attribution_by_text": "Stadt Münster"},
        files={"upload": ("pegel.xlsx", spreadsheet(tmp_path),
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        headers={"Authorization": editor["token"]}, timeout=60)
    assert answer.status_code == 200, answer.text[-2000:]
    resource = answer.json()["result"]

    wait_for(lambda: load_status(portal, editor, resource["id"]) == "complete", "the xloader load")
    types = wait_for(lambda: (lambda t: t if t.get("Temperatur [°C]") == "numeric" else None)(
        field_types(portal, resource["id"])), "typing the columns")
    assert types["Wasserstand [cm]"] == "numeric" and types["Datum"] in ("date", "timestamp"), types
    assert types["Kennung"] == "text", types  # ids with leading zeros are no numbers
    rows = api(portal, "datastore_search", resource_id=resource["id"], sort="Datum", limit=100)["result"]
    assert rows["total"] == 30
    assert float(rows["records"][0]["Temperatur [°C]"]) == 18.1 and rows["records"][0]["Datum"].startswith("2026-08-01")

    views = wait_for(lambda: {v["view_type"] for v in api(portal, "resource_view_list", id=resource["id"])["result"]}
                     >= {"datatables_view", "smartcityms_table_chart"} or None, "the preview and chart views")
    assert views
    pages = [f"/dataset/ladesaeulen/resource/{resource['id']}", f"/en/dataset/ladesaeulen/resource/{resource['id']}"]
    results = check([portal.url + page for page in pages])
    problems = {url: found["violations"] for url, found in results.items()
                if found["violations"] or found["status"] != 200}
    assert not problems, problems


def test_an_uploaded_spreadsheet_that_declares_entities_is_refused_before_it_is_parsed(portal, editor, tmp_path):
    """Every XML parse refuses DTDs: xloader would read the upload with openpyxl (lxml), which accepts them."""
    import io
    import zipfile
    original = zipfile.ZipFile(io.BytesIO(spreadsheet(tmp_path)))
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w") as written:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/workbook.xml":
                declaration = b'<!DOCTYPE w [<!ENTITY a "a"><!ENTITY b "&a;&a;&a;&a;">]>'
                data = (data.replace(b"?>", b"?>" + declaration, 1) if data.startswith(b"<?xml")
                        else declaration + data)
                assert b"<!DOCTYPE" in data
            written.writestr(item, data)
    answer = requests.post(f"{portal.url}/api/3/action/resource_create", data={
        "package_id": editor["dataset"]["id"], "name": "Pegel", "format": "XLSX", "license": LICENCE,
        "license_attribution_by_text": "Stadt Münster"},
        files={"upload": ("pegel.xlsx", hostile.getvalue(),
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        headers={"Authorization": editor["token"]}, timeout=60)
    assert answer.status_code == 200, answer.text[-2000:]
    resource_id = answer.json()["result"]["id"]
    status = api(portal, "xloader_status", editor["token"], resource_id=resource_id)["result"]
    assert status["status"] == "error" and "declares a DTD or entities" in status["error"]["message"], status
    assert not api(portal, "resource_show", id=resource_id)["result"].get("datastore_active")
