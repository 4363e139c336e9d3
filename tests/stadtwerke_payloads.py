"""Feed payloads for the Stadtwerke harvester tests, from the recorded samples.

Where no recording of the feed itself exists, the payload is *built from* a
real sample in its documented shape, and says so:
* GTFS zip: stops.txt holds the 25 real stops of the recorded stops GeoJSON
  (written with a BOM and CRLF line ends, as old Stadtwerke feeds had);
  agency, routes, trips, stop_times and calendar are minimal but follow the
  GTFS reference; feed_info.txt is left out (optional).
* PLS XML: the documented <parkhaeuser><parkhaus>… shape filled with the
  names, capacities and values of one row of the real 2026 history CSV.
* Bus radar: a FeatureCollection around the real 2020 vehicle properties.
"""
import csv
import io
import json
import zipfile

from tests.replay import shared_file

STOPS = "fixtures/stadtwerke/gtfs_stops_derived_haltestellen_first25.geojson"
PLS_HISTORY = "fixtures/stadtwerke/parkleitsystem_history_codeformuenster_2026-08-07_head.csv"
BUS = "fixtures/stadtwerke/busradar_fahrzeuge_feature_properties_2020-03-04.json"
PARK_AND_RIDE = "fixtures/stadtwerke/stadtwerke_netzplan_park_and_ride_stationen.geojson"
AASEE_HEAD = "fixtures/stadtwerke/aasee_monitoring_2026-08_head.csv"
AASEE_TAIL = "fixtures/stadtwerke/aasee_monitoring_2026-08_tail.csv"
STATUS = {"ges": "geschlossen", "kei": "keine Daten"}


def real_stops():
    return json.loads(shared_file(STOPS).read_text("utf-8"))["features"]


def gtfs_zip(with_calendar=True, crlf_bom=True):
    stops = io.StringIO()
    writer = csv.writer(stops, lineterminator="\r\n" if crlf_bom else "\n")
    writer.writerow(["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type"])
    for feature in real_stops():
        lon, lat = feature["geometry"]["coordinates"]
        props = feature["properties"]
        writer.writerow([props["stop_id"], props["stop_name"], lat, lon, props["location_type"]])
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
                      "SWMS,Stadtwerke Münster GmbH,https://www.stadtwerke-muenster.de,Europe/Berlin\n",
        "stops.txt": ("\ufeff" if crlf_bom else "") + stops.getvalue(),
        "routes.txt": "route_id,agency_id,route_short_name,route_type\n1,SWMS,1,3\n33,SWMS,33,3\nR22,SWMS,R22,3\n",
        "trips.txt": "route_id,service_id,trip_id\n33,WT,t1\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                          "t1,06:00:00,06:00:00,11137P,1\n",
    }
    if with_calendar:
        files["calendar.txt"] = ("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                                 "start_date,end_date\nWT,1,1,1,1,1,0,0,20260810,20261212\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


def pls_rows():
    rows = list(csv.reader(shared_file(PLS_HISTORY).read_text("utf-8").splitlines()))
    return rows[0][1:], [int(c.strip("()")) for c in rows[1][1:]], rows[2:]


def pls_xml(row_index=0, rename=None, drop_numbers=(), status_override=None):
    """One PLS answer for the history row `row_index`; `rename` maps CSV names to published names."""
    names, capacities, rows = pls_rows()
    row = rows[row_index]
    when = row[0]  # "2026-08-07 00:00"
    stamp = f"{when[8:10]}.{when[5:7]}.{when[0:4]} {when[11:16]}"
    parts = ["<?xml version='1.0' encoding='UTF-8'?>\n<parkhaeuser>"]
    for name, capacity, value in zip(names, capacities, row[1:]):
        status = STATUS.get(value, "frei")
        free = value if value.isdigit() else ""
        if name in drop_numbers:
            free = ""
        if status_override and name in status_override:
            status = status_override[name]
        parts.append(f"<parkhaus><bezeichnung>{(rename or {}).get(name, name)}</bezeichnung>"
                     f"<gesamt>{capacity}</gesamt><frei>{free}</frei><status>{status}</status>"
                     f"<zeitstempel>{stamp}</zeitstempel></parkhaus>")
    parts.append("</parkhaeuser>")
    return "".join(parts).encode("utf-8")


def bus_vehicles():
    properties = json.loads(shared_file(BUS).read_text("utf-8"))
    newer = {**properties, "fahrzeugid": "5123", "visfahrplanlagezst": 1786800000, "akthst": "43591",
             "delay": "-30"}
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties,
         "geometry": {"type": "Point", "coordinates": [7.6261, 51.9607]}},
        {"type": "Feature", "properties": newer,
         "geometry": {"type": "Point", "coordinates": [7.6400, 51.9500]}},
    ]}).encode("utf-8")


def aasee_month(which="head", shift_month=None):
    """The real Aasee sample; `shift_month` relabels its times to another month (a 'new' file)."""
    text = shared_file(AASEE_HEAD).read_text("utf-8")
    if which == "both":  # the month later on: the head's rows (without its "..." line) and the tail
        text = "".join(line for line in text.splitlines(True) if line.strip() != "...")
        text += shared_file(AASEE_TAIL).read_text("utf-8")
    if shift_month:
        text = text.replace("2026-08-", f"{shift_month}-").replace("2026-07-31", f"{shift_month}-01")
    return text.encode("utf-8")
