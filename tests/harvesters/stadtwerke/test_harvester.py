"""Stadtwerke/city feeds harvester (`stadtwerke_ms`): every kind against loopback
servers replaying the recorded samples (tests/stadtwerke_payloads.py says how
each payload relates to its recording), with the real DataStore."""
import datetime
import json

import pytest
import rdflib

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.dcat.processors import RDFSerializer
from ckanext.harvest.model import HarvestObject, HarvestObjectError

from ckanext.smartcityms.datastore import bulk_tables
from ckanext.smartcityms.datastore import feed_status
from ckanext.smartcityms.dcat import shacl
from tests import stadtwerke_payloads as payloads
from tests.replay import Response, shared_file
from tests.harvesters.test_harvest_stack import run_job_through_queues

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "queues_empty")

LICENSES = "http://dcat-ap.de/def/licenses/"
TODAY = datetime.date.today()
THIS_MONTH = f"{TODAY:%Y-%m}"
LAST_MONTH = f"{TODAY.replace(day=1) - datetime.timedelta(days=1):%Y-%m}"


def serve_healthy(replay_server):
    routes = replay_server.routes
    routes["/gtfs/stadtwerke_feed.zip"] = Response(payloads.gtfs_zip(), content_type="application/zip")
    routes["/busradar/fahrzeuge"] = Response(payloads.bus_vehicles(), content_type="application/json")
    routes["/netzplan/park_and_ride.geojson"] = Response(
        shared_file(payloads.PARK_AND_RIDE).read_bytes(), content_type="application/geo+json")
    routes["/pls/PLS-INet.xml"] = Response(payloads.pls_xml(0), content_type="application/xml")
    routes[f"/aasee/{LAST_MONTH}.csv"] = Response(payloads.aasee_month(shift_month=LAST_MONTH),
                                                  content_type="text/csv")


def feeds(base, **overrides):
    every = {"every_minutes": 0.001}
    config = [
        {"id": "swms-fahrplan-gtfs", "kind": "gtfs", "url": base + "/gtfs/stadtwerke_feed.zip", **every},
        {"id": "swms-busradar", "kind": "realtime", "url": base + "/busradar/fahrzeuge",
         "documentation": "https://api.busradar.conterra.de/", "gtfs_rt": [base + "/gtfsrt/vehicles.pbf"],
         **every},
        {"id": "park-and-ride", "kind": "geojson", "url": base + "/netzplan/park_and_ride.geojson",
         "title": "Park+Ride-Plätze", "licence": "dl-by-de/2.0", "attribution": "Stadtwerke Münster GmbH",
         **every},
        {"id": "parkleitsystem", "kind": "parking", "url": base + "/pls/PLS-INet.xml", **every},
        {"id": "aasee-monitoring", "kind": "timeseries_csv", "url": base + "/aasee/{month}.csv",
         "title": "Aasee-Monitoring", "since": LAST_MONTH, "licence": "dl-by-de/2.0",
         "attribution": "Stadt Münster", "handlungsfeld": ["umwelt-energie-klima"],
         "projekt": ["aaseemonitoring"], "plausible": {"pH-Wert": [6.0, 9.5]},
         "units": {"Wassertemperatur": "°C", "Sauerstoffgehalt": "mg/l"}, "location": [7.614297, 51.957148],
         **every},
    ]
    for feed in config:
        feed.update(overrides.get(feed["id"], {}))
    return config


@pytest.fixture
def stadtwerke(replay_server):
    serve_healthy(replay_server)
    context = {"user": factories.Sysadmin()["name"]}
    org = factories.Organization(name="stadtwerke-muenster", title="Stadtwerke Münster")

    def make_source(**overrides):
        return tk.get_action("harvest_source_create")(dict(context), {
            "name": "stadtwerke", "title": "Stadtwerke Münster", "url": replay_server.url("/"),
            "source_type": "stadtwerke_ms", "owner_org": org["id"], "frequency": "MANUAL",
            "config": json.dumps({"feeds": feeds(replay_server.base_url, **overrides), "timeout": 2})})
    return context, make_source, replay_server


def show(name):
    return tk.get_action("package_show")({}, {"id": name})


def table_of(dataset, role):
    return next(r for r in dataset["resources"] if r.get("feed_role") == role)


def search(resource, **params):
    return tk.get_action("datastore_search")({}, {"resource_id": resource["id"], **params})


def messages(job):
    return [e.message for e in model.Session.query(HarvestObjectError).join(HarvestObject)
            .filter(HarvestObject.harvest_job_id == job["id"])]


def valid(dataset):
    turtle = RDFSerializer(profiles=["dcat_ap_de"]).serialize_dataset(dataset, _format="turtle")
    findings = shacl.validate(rdflib.Graph().parse(data=turtle, format="turtle"))
    return shacl.violations(findings)


def test_every_kind_becomes_a_described_dataset_with_live_tables(stadtwerke, app):
    context, make_source, _ = stadtwerke
    job = run_job_through_queues(context, make_source()["id"])
    assert job["stats"]["added"] == 5, (job["stats"], messages(job))

    timetable = show("swms-fahrplan-gtfs")
    assert "3 Linien und 25 Haltestellen" in timetable["notes"]
    assert (timetable["temporal_start"], timetable["temporal_end"]) == ("2026-08-10", "2026-12-12")
    assert json.loads(timetable["spatial"])["type"] == "Polygon"
    stops = table_of(timetable, "stops")
    assert search(stops, limit=0)["total"] == 25
    assert search(stops, filters={"stop_id": "14508P"})["records"][0]["name"] == "Alverskirchen, Wettendorf"
    geojson = app.get(f"/stadtwerke/geojson/{stops['id']}")
    assert geojson.headers["Content-Type"].startswith("application/geo+json")
    assert len(geojson.json["features"]) == 25
    assert table_of(timetable, "stops_geojson")["url"].endswith(f"/stadtwerke/geojson/{stops['id']}")

    # Honest licences: the Stadtwerke terms are not open, and say so with the exact terms.
    assert timetable["license_id"] == LICENSES + "other-closed" and not timetable["isopen"]
    zip_resource = table_of(timetable, "zip")
    assert zip_resource["license"] == LICENSES + "other-closed"
    assert "kommerzielle Nutzung" in zip_resource["rights"] and zip_resource["format"] == "GTFS"
    assert "Keine offenen Daten" in timetable["notes"]
    page = app.get("/dataset/swms-fahrplan-gtfs").body
    assert "smartcityms-not-open" in page and "Allgemeine_Nutzungsbedingungen_SWMS_GTFS_Feeds.pdf" in page
    assert "Zuletzt erfolgreich aktualisiert" in page and "Veraltet: Die Quelle" not in page

    buses = show("swms-busradar")
    api = table_of(buses, "api")
    assert api["url"].endswith("/busradar/fahrzeuge")
    vehicles = search(table_of(buses, "vehicles"), sort="fahrzeugid")["records"]
    assert [(v["fahrzeugid"], v["linie"], v["verspaetung_s"]) for v in vehicles] == [
        ("5122", "33", 176), ("5123", "33", -30)]
    assert vehicles[0]["stand"] == "2020-03-04T17:20:18.000"  # 18:20:18 in Münster, stored in UTC
    assert any(r["mimetype"] == "application/x-protobuf" and r["url"].endswith("vehicles.pbf")
               for r in buses["resources"])

    stations = show("park-and-ride")
    assert stations["title"] == "Park+Ride-Plätze" and stations["isopen"]
    assert stations["notes"].startswith("22 Objekte (Point)") or "Objekte (Point)" in stations["notes"]
    assert "title, id, info" in stations["notes"]
    assert table_of(stations, "geojson")["license_attribution_by_text"] == "Stadtwerke Münster GmbH"

    parking = show("parkleitsystem")
    assert parking["license_id"] == LICENSES + "dl-by-de/2.0" and parking["isopen"]
    history = table_of(parking, "history")
    assert history["license_attribution_by_text"] == "Stadt Münster"
    assert search(history, limit=0)["total"] == 20
    theater = search(history, filters={"garage_id": "ph-theater", "datum": "2026-08-07"})["records"]
    assert [(r["zeit"], r["frei"], r["gesamt"], r["status"]) for r in theater] == [
        ("2026-08-07T00:00:00.000", 667, 743, "frei")]
    assert search(history, q="Theater")["total"] == 1  # full text over the words of each row
    closed = search(history, filters={"garage_id": "ph-coesfelder-kreuz"})["records"][0]
    assert (closed["status"], closed["frei"]) == ("geschlossen", None)
    assert app.get(f"/datastore/dump/{history['id']}?format=csv").body.count("\n") == 21

    aasee = show("aasee-monitoring")
    assert aasee["projekt"] == ["aaseemonitoring"] and aasee["handlungsfeld"] == ["umwelt-energie-klima"]
    month = table_of(aasee, f"month:{LAST_MONTH}")
    assert month["url"].endswith(f"/aasee/{LAST_MONTH}.csv") and len(month["hash"]) == 64
    measurements = search(table_of(aasee, "measurements"), sort="zeit", limit=1000)["records"]
    assert len(measurements) == 59
    assert measurements[0]["pH-Wert"] == 11.5  # implausible: kept …
    assert measurements[0]["hinweise"] == "pH-Wert: outside the plausible range 6.0–9.5"  # … and flagged
    assert any("rows with implausible values" in m for m in messages(job))

    for dataset in (timetable, buses, stations, parking, aasee):
        assert not valid(dataset), (dataset["name"], valid(dataset))
        assert dataset["feed_status"]["stale"] is False and dataset["feed_status"]["last_success"]


def test_a_second_run_appends_history_discovers_months_and_maps_renamed_garages(stadtwerke):
    context, make_source, server = stadtwerke
    source = make_source()
    run_job_through_queues(context, source["id"])
    history = table_of(show("parkleitsystem"), "history")

    server.routes["/pls/PLS-INet.xml"] = Response(
        payloads.pls_xml(1, rename={"PH Karstadt": "Parkhaus Galeria", "PH Theater": "Kaufhof Parkdeck"}),
        content_type="application/xml")
    server.routes[f"/aasee/{LAST_MONTH}.csv"] = Response(payloads.aasee_month("both", shift_month=LAST_MONTH))
    server.routes[f"/aasee/{THIS_MONTH}.csv"] = Response(payloads.aasee_month(shift_month=THIS_MONTH))
    job = run_job_through_queues(context, source["id"])

    # Unchanged feeds are "not modified": timetable, stations; live tables still refreshed.
    assert job["stats"]["not modified"] >= 2, (job["stats"], messages(job))
    assert search(history, limit=0)["total"] == 40, (job["stats"], messages(job))
    galeria = search(history, filters={"garage_id": "ph-karstadt"}, sort="zeit")["records"]
    assert [r["name"] for r in galeria] == ["PH Karstadt", "Parkhaus Galeria"]  # one garage, renamed
    assert search(history, filters={"garage_id": "neu-kaufhof-parkdeck"}, limit=0)["total"] == 1
    assert any("'Kaufhof Parkdeck' is not in the garage list" in m for m in messages(job))

    aasee = show("aasee-monitoring")
    assert [r["feed_role"] for r in aasee["resources"]] == [
        "measurements", f"month:{THIS_MONTH}", f"month:{LAST_MONTH}"]
    assert search(table_of(aasee, "measurements"), limit=0)["total"] == 59 + 5 + 59


@pytest.mark.parametrize("fault", ["down", "timeout", "truncated"])
def test_a_broken_feed_fails_alone_and_keeps_its_data(stadtwerke, fault):
    context, make_source, server = stadtwerke
    source = make_source()
    run_job_through_queues(context, source["id"])
    before = {name: show(name) for name in ("swms-fahrplan-gtfs", "parkleitsystem")}
    history = table_of(before["parkleitsystem"], "history")

    broken = {
        "down": Response(b"Service Unavailable", 503, "text/plain"),
        "timeout": Response(payloads.pls_xml(1), content_type="application/xml", delay=3),
        "truncated": Response(payloads.pls_xml(1)[:700], content_type="application/xml"),
    }[fault]
    server.routes["/pls/PLS-INet.xml"] = broken
    server.routes["/gtfs/stadtwerke_feed.zip"] = Response(payloads.gtfs_zip()[:900], content_type="application/zip")
    server.routes["/busradar/fahrzeuge"] = Response(payloads.bus_vehicles().replace(b"5123", b"5124"),
                                                    content_type="application/json")
    job = run_job_through_queues(context, source["id"])

    found = messages(job)
    assert any(m.startswith("Feed swms-fahrplan-gtfs (gtfs): the file is not a readable zip") for m in found)
    assert any(m.startswith("Feed parkleitsystem (parking): ") and "were not changed" in m for m in found), found
    # The others still import; the broken ones keep dataset and history.
    vehicles = search(table_of(show("swms-busradar"), "vehicles"))["records"]
    assert {v["fahrzeugid"] for v in vehicles} == {"5122", "5124"}
    assert show("swms-fahrplan-gtfs")["metadata_modified"] == before["swms-fahrplan-gtfs"]["metadata_modified"]
    assert search(table_of(show("swms-fahrplan-gtfs"), "stops"), limit=0)["total"] == 25
    assert search(history, limit=0)["total"] == 20

    # The fault heals: the next run catches up.
    server.routes["/pls/PLS-INet.xml"] = Response(payloads.pls_xml(1), content_type="application/xml")
    healed = run_job_through_queues(context, source["id"])
    assert search(history, limit=0)["total"] == 40, (healed["stats"], messages(healed))


def test_odd_parking_values_are_warnings_not_failures(stadtwerke):
    context, make_source, server = stadtwerke
    server.routes["/pls/PLS-INet.xml"] = Response(payloads.pls_xml(
        0, drop_numbers=("PH Theater",), status_override={"PH Aegidii": "Wartung"}), content_type="application/xml")
    job = run_job_through_queues(context, make_source()["id"])
    found = messages(job)
    assert "Warning: feed parkleitsystem: PH Theater: no number of free spaces; left empty" in found
    assert "Warning: feed parkleitsystem: PH Aegidii: unknown status 'wartung'; stored as delivered" in found
    history = table_of(show("parkleitsystem"), "history")
    assert search(history, filters={"garage_id": "ph-aegidii"})["records"][0]["frei"] == 678


def test_staleness_follows_the_last_successful_delivery(stadtwerke, app):
    context, make_source, server = stadtwerke
    source = make_source()
    run_job_through_queues(context, source["id"])
    buses = show("swms-busradar")
    last = datetime.datetime.fromisoformat(buses["feed_status"]["last_success"].rstrip("Z"))
    assert buses["feed_status"]["stale_after_hours"] == 1

    server.routes["/busradar/fahrzeuge"] = Response(b"", 500, "text/plain")
    run_job_through_queues(context, source["id"])
    assert show("swms-busradar")["feed_status"]["last_success"] == buses["feed_status"]["last_success"]
    later = feed_status.status(buses, now=last + datetime.timedelta(hours=1, minutes=1))
    assert later["stale"] is True
    assert feed_status.status(buses, now=last + datetime.timedelta(minutes=59))["stale"] is False


def test_a_feed_removed_from_the_configuration_is_withdrawn(stadtwerke):
    context, make_source, server = stadtwerke
    source = make_source()
    run_job_through_queues(context, source["id"])
    config = json.loads(source["config"])
    config["feeds"] = [f for f in config["feeds"] if f["id"] != "park-and-ride"]
    tk.get_action("harvest_source_update")(dict(context), {**source, "config": json.dumps(config)})
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["deleted"] == 1
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": "park-and-ride"})["state"] == "deleted"


@pytest.mark.parametrize("config, message", [
    ({"feeds": [{"id": "x1", "kind": "ftp", "url": "http://a"}]}, "kind must be one of"),
    ({"feeds": [{"id": "x1", "kind": "geojson", "url": "http://a"}]}, "licence is required for kind geojson"),
    ({"feeds": [{"id": "x1", "kind": "timeseries_csv", "url": "http://a/x.csv", "since": "2026-01",
                 "licence": "cc-zero"}]}, "must contain {month}"),
    ({"feeds": [{"id": "x1", "kind": "parking", "url": "http://a",
                 "garage_aliases": {"Parkhaus Neu": "ph-gibt-es-nicht"}}]}, "unknown garage id"),
    ({"feeds": [{"id": "x1", "kind": "gtfs", "url": "http://a"},
                {"id": "x1", "kind": "gtfs", "url": "http://b"}]}, "feed ids must be unique"),
    ({"feeds": [{"id": "x1", "kind": "gtfs", "url": "http://a", "handlungsfeld": ["sport"]}]}, "unknown value"),
])
def test_bad_configurations_are_refused_with_a_named_reason(stadtwerke, config, message):
    context, _, _ = stadtwerke
    with pytest.raises(tk.ValidationError) as error:
        tk.get_action("harvest_source_create")(dict(context), {
            "name": "kaputt", "title": "Kaputt", "url": "http://127.0.0.1:9/", "source_type": "stadtwerke_ms",
            "frequency": "MANUAL", "config": json.dumps(config)})
    assert message in str(error.value.error_dict)


def test_loading_twice_changes_nothing_and_a_failed_load_keeps_the_table(stadtwerke):
    context, make_source, _ = stadtwerke
    run_job_through_queues(context, make_source()["id"])
    history = table_of(show("parkleitsystem"), "history")
    from ckanext.smartcityms.harvesters.stadtwerke.readers import parking
    rows = parking.snapshot(payloads.pls_xml(0)).rows
    assert bulk_tables.load(history["id"], parking.COLUMNS, rows, ["garage_id", "zeit"]) == 0
    bad = [dict(rows[0], zeit="2026-08-08T00:00", frei="viele")]
    with pytest.raises(Exception):
        bulk_tables.load(history["id"], parking.COLUMNS, bad, ["garage_id", "zeit"])
    assert bulk_tables.row_count(history["id"]) == 20
