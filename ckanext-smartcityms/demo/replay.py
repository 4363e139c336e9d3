"""The demo's replay server: recorded real payloads of openSenseMap and the
Stadtwerke feeds on 127.0.0.1, so that `make demo` harvests real data
without the internet (recordings/NOTICE names their sources and licences).

    python -m ckanext.smartcityms.demo.replay --port 18099

Where no recording of a feed itself exists, its answer is *built from* a
real sample in the feed's documented shape (the harvester tests use the same
builders): the GTFS zip around the 25 recorded stops, the PLS XML from one
row of the 2026 parking history, the bus radar answer around the recorded
vehicle properties. Pure Python, no CKAN: it is a stand-in for remote servers.
"""
import argparse
import csv
import importlib.resources
import io
import json
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

RECORDINGS = importlib.resources.files("ckanext.smartcityms.demo").joinpath("recordings")
BOXES = "opensensemap/boxes_GET_all_real_response_subset_2024-05.json"
MUENSTER_BOX = "opensensemap/box_57000b8745fd40c8196ad04c_apidoc_example.json"
SENSOR_DATA = "opensensemap/sensor_data_apidoc_example.csv"
STOPS = "stadtwerke/gtfs_stops_derived_haltestellen_first25.geojson"
PLS_HISTORY = "stadtwerke/parkleitsystem_history_codeformuenster_2026-08-07_head.csv"
BUS = "stadtwerke/busradar_fahrzeuge_feature_properties_2020-03-04.json"
PARK_AND_RIDE = "stadtwerke/stadtwerke_netzplan_park_and_ride_stationen.geojson"
AASEE_HEAD = "stadtwerke/aasee_monitoring_2026-08_head.csv"
AASEE_TAIL = "stadtwerke/aasee_monitoring_2026-08_tail.csv"
AASEE_MONTH = "2026-08"
PLS_STATUS = {"ges": "geschlossen", "kei": "keine Daten"}


def recording(name):
    return RECORDINGS.joinpath(name).read_bytes()


# ------------------------------------------------------------- builders

def gtfs_zip(stops_geojson, with_calendar=True, crlf_bom=True):
    """A GTFS zip whose stops.txt holds the recorded stops (BOM and CRLF, as old
    Stadtwerke feeds had); agency, routes, trips, stop_times and calendar are
    minimal but follow the GTFS reference."""
    stops = io.StringIO()
    writer = csv.writer(stops, lineterminator="\r\n" if crlf_bom else "\n")
    writer.writerow(["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type"])
    for feature in json.loads(stops_geojson)["features"]:
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


def pls_rows(history_csv):
    rows = list(csv.reader(history_csv.splitlines()))
    return rows[0][1:], [int(c.strip("()")) for c in rows[1][1:]], rows[2:]


def pls_xml(history_csv, row_index=0, rename=None, drop_numbers=(), status_override=None):
    """One PLS answer (<parkhaeuser><parkhaus>…) for the history row `row_index`;
    `rename` maps history names to published names."""
    names, capacities, rows = pls_rows(history_csv)
    row = rows[row_index]
    when = row[0]  # "2026-08-07 00:00"
    stamp = f"{when[8:10]}.{when[5:7]}.{when[0:4]} {when[11:16]}"
    parts = ["<?xml version='1.0' encoding='UTF-8'?>\n<parkhaeuser>"]
    for name, capacity, value in zip(names, capacities, row[1:]):
        status = PLS_STATUS.get(value, "frei")
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


def bus_vehicles(properties_json):
    """A FeatureCollection around the recorded vehicle properties (and a second vehicle)."""
    properties = json.loads(properties_json)
    newer = {**properties, "fahrzeugid": "5123", "visfahrplanlagezst": 1786800000, "akthst": "43591",
             "delay": "-30"}
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties,
         "geometry": {"type": "Point", "coordinates": [7.6261, 51.9607]}},
        {"type": "Feature", "properties": newer,
         "geometry": {"type": "Point", "coordinates": [7.6400, 51.9500]}},
    ]}).encode("utf-8")


def aasee_month(head_csv, tail_csv, which="head", shift_month=None):
    """The Aasee sample; `shift_month` relabels its times to another month (a 'new' file)."""
    text = head_csv
    if which == "both":  # the month later on: the head's rows (without its "..." line) and the tail
        text = "".join(line for line in text.splitlines(True) if line.strip() != "...")
        text += tail_csv
    if shift_month:
        text = text.replace("2026-08-", f"{shift_month}-").replace("2026-07-31", f"{shift_month}-01")
    return text.encode("utf-8")


# ------------------------------------------------------------- the server

def demo_routes():
    """Path -> (content type, body) of everything the demo's sources ask for."""
    boxes = [json.loads(recording(MUENSTER_BOX)), *json.loads(recording(BOXES))]
    text = lambda name: recording(name).decode("utf-8")  # noqa: E731
    return {
        "/boxes": ("application/json", json.dumps(boxes).encode("utf-8")),
        "/gtfs/stadtwerke_feed.zip": ("application/zip", gtfs_zip(text(STOPS))),
        "/busradar/fahrzeuge": ("application/json", bus_vehicles(text(BUS))),
        "/netzplan/park_and_ride.geojson": ("application/geo+json", recording(PARK_AND_RIDE)),
        "/pls/PLS-INet.xml": ("application/xml", pls_xml(text(PLS_HISTORY))),
        f"/aasee/{AASEE_MONTH}.csv": ("text/csv", aasee_month(text(AASEE_HEAD), text(AASEE_TAIL), which="both")),
    }


def demo_feeds(base):
    """The Stadtwerke source configuration of the demo: every recorded feed kind."""
    return [
        {"id": "swms-fahrplan-gtfs", "kind": "gtfs", "url": base + "/gtfs/stadtwerke_feed.zip"},
        {"id": "swms-busradar", "kind": "realtime", "url": base + "/busradar/fahrzeuge",
         "documentation": "https://api.busradar.conterra.de/"},
        {"id": "park-and-ride", "kind": "geojson", "url": base + "/netzplan/park_and_ride.geojson",
         "title": "Park+Ride-Plätze", "licence": "dl-by-de/2.0", "attribution": "Stadtwerke Münster GmbH"},
        {"id": "parkleitsystem", "kind": "parking", "url": base + "/pls/PLS-INet.xml"},
        # (the demo content has a hand-made "aasee-monitoring" of its own)
        {"id": "aasee-messwerte", "kind": "timeseries_csv", "url": base + "/aasee/{month}.csv",
         "title": "Aasee-Monitoring: laufende Messwerte", "since": AASEE_MONTH, "licence": "dl-by-de/2.0",
         "attribution": "Stadt Münster", "handlungsfeld": ["umwelt-energie-klima"],
         "projekt": ["aaseemonitoring"], "plausible": {"pH-Wert": [6.0, 9.5]},
         "units": {"Wassertemperatur": "°C", "Sauerstoffgehalt": "mg/l"}, "location": [7.614297, 51.957148]},
    ]


class _Handler(BaseHTTPRequestHandler):
    routes = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = urlsplit(self.path).path
        if path.startswith("/boxes/") and "/data/" in path:
            # a sensor's measurements: the API documentation's example, for charts
            found = ("text/csv", recording(SENSOR_DATA))
        else:
            found = self.routes.get(path)
        if found is None:
            self.send_error(404, "not recorded")
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # requests go to the harvest logs, not here
        pass


def serve(port, host="127.0.0.1"):
    _Handler.routes = demo_routes()
    server = ThreadingHTTPServer((host, port), _Handler)
    server.serve_forever()


def main(argv=None):
    parser = argparse.ArgumentParser(description="The demo's replay server (recorded payloads on 127.0.0.1)")
    parser.add_argument("--port", type=int, default=18099)
    args = parser.parse_args(argv)
    serve(args.port)


if __name__ == "__main__":
    main()
