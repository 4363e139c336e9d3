import pytest

import ckan.plugins.toolkit as tk

from tests.datasets import LICENSES, minimal_dataset
from tests.replay import Response, shared_file

AASEE = "fixtures/stadtwerke/aasee_monitoring_2026-08_head.csv"
STOPS = "fixtures/stadtwerke/gtfs_stops_derived_haltestellen_first25.geojson"


@pytest.fixture
def downloads_folder(tmp_path, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.smartcityms.downloads_path", str(tmp_path / "downloads"))
    return tmp_path / "downloads"


@pytest.fixture
def archive_catalogue(downloads_content, downloads_folder):
    return downloads_content


def empty_job_queue():
    """The default job queue without waiting jobs, nor jobs scheduled for later."""
    from ckan.lib import jobs as ckan_jobs
    queue = ckan_jobs.get_queue()
    queue.empty()
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id, delete_job=True)


@pytest.fixture
def portal_downloads():
    """The folder and queue the test configuration's own processes use (web server,
    `ckan jobs worker`), empty: no archive, dump or queued job of an earlier test."""
    import shutil
    from ckanext.smartcityms import cache
    from ckanext.smartcityms.downloads import catalogue_dump, store
    shutil.rmtree(store.directory(), ignore_errors=True)
    empty_job_queue()
    cache.redis_connection().delete(cache.key(catalogue_dump.SCHEDULED), cache.key(catalogue_dump.CHANGED))
    yield store.directory()
    empty_job_queue()


@pytest.fixture
def downloads_content(clean_datastore, replay_server):
    """A dataset with every kind of resource an archive meets (real recorded payloads
    on the replay server), a second dataset in another Handlungsfeld, and a private one."""
    from ckan.tests import factories, helpers
    from ckanext.smartcityms.datastore import bulk_tables

    replay_server.serve_file("/aasee.csv", AASEE, "text/csv")
    replay_server.serve_file("/stops.geojson", STOPS, "application/geo+json")
    replay_server.routes["/redirect.csv"] = Response(b"", 302, headers={"Location": "/aasee.csv"})
    replay_server.routes["/gone.csv"] = Response(b"gone", 404, "text/plain")
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="stadtwerke-muenster", title="Stadtwerke Münster", image_url="")
    context = {"user": sysadmin["name"]}
    open_licence = LICENSES + "dl-zero-de/2.0"
    dataset = helpers.call_action("package_create", context, **minimal_dataset(
        org["id"], name="aasee-messwerte", title="Aasee: Messwerte", handlungsfeld=["umwelt-energie-klima"],
        resources=[
            {"name": "Messwerte August 2026 (CSV)", "url": replay_server.url("/aasee.csv"), "format": "CSV",
             "license": open_licence},
            {"name": "Haltestellen", "url": replay_server.url("/redirect.csv"),
             "download_url": replay_server.url("/stops.geojson"), "format": "GEOJSON", "license": open_licence},
            {"name": "Messwerte als Tabelle", "url": "https://example.org/table", "license": open_licence},
            {"name": "Verschwundene Datei", "url": replay_server.url("/gone.csv"), "format": "CSV",
             "license": open_licence},
            {"name": "Geschlossene Daten", "url": replay_server.url("/aasee.csv"), "format": "CSV",
             "license": LICENSES + "other-closed"},
            {"name": "Messwerte-API", "url": "https://example.org/api/aasee",
             "license": open_licence, "description": "eine Schnittstelle"},
        ]))
    table = dataset["resources"][2]
    bulk_tables.ensure_table(context, table["id"], [
        ("zeit", "timestamp"), ("station", "text"), ("temperatur", "numeric"), ("aktiv", "bool"),
        ("werte", "_int4")], primary_key=["zeit", "station"])
    bulk_tables.load(table["id"], [("zeit", "timestamp"), ("station", "text"), ("temperatur", "numeric"),
                                   ("aktiv", "bool"), ("werte", "_int4")], [
        {"zeit": "2026-08-01T00:00:00", "station": "Boje Süd", "temperatur": "21.5", "aktiv": True,
         "werte": "{1,2}"},
        {"zeit": "2026-08-01T00:15:00", "station": "Boje Süd, \"Mitte\"", "temperatur": "21.25",
         "aktiv": False, "werte": "{}"},
    ], primary_key=["zeit", "station"])
    other = helpers.call_action("package_create", context, **minimal_dataset(
        org["id"], name="parkhaeuser", title="Parkhäuser", handlungsfeld=["mobilitaet-verkehr"]))
    private = helpers.call_action("package_create", context, **minimal_dataset(
        org["id"], name="intern", title="Intern", private=True, handlungsfeld=["umwelt-energie-klima"]))
    return {"dataset": tk.get_action("package_show")({}, {"id": dataset["id"]}), "other": other,
            "private": private, "org": org, "replay": replay_server, "context": context}
