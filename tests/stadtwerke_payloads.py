"""Feed payloads for the Stadtwerke harvester tests, from the recorded samples.

Where no recording of the feed itself exists, the payload is *built from* a
real sample in its documented shape (the builders are the demo replay
server's, ckanext.smartcityms.demo.replay; here they get ../shared's files):
* GTFS zip: stops.txt holds the 25 real stops of the recorded stops GeoJSON
  (written with a BOM and CRLF line ends, as old Stadtwerke feeds had);
  agency, routes, trips, stop_times and calendar are minimal but follow the
  GTFS reference; feed_info.txt is left out (optional).
* PLS XML: the documented <parkhaeuser><parkhaus>… shape filled with the
  names, capacities and values of one row of the real 2026 history CSV.
* Bus radar: a FeatureCollection around the real 2020 vehicle properties.
"""
import json

from ckanext.smartcityms.demo import replay
from tests.replay import shared_file

STOPS = "fixtures/stadtwerke/gtfs_stops_derived_haltestellen_first25.geojson"
PLS_HISTORY = "fixtures/stadtwerke/parkleitsystem_history_codeformuenster_2026-08-07_head.csv"
BUS = "fixtures/stadtwerke/busradar_fahrzeuge_feature_properties_2020-03-04.json"
PARK_AND_RIDE = "fixtures/stadtwerke/stadtwerke_netzplan_park_and_ride_stationen.geojson"
AASEE_HEAD = "fixtures/stadtwerke/aasee_monitoring_2026-08_head.csv"
AASEE_TAIL = "fixtures/stadtwerke/aasee_monitoring_2026-08_tail.csv"
STATUS = replay.PLS_STATUS


def _text(name):
    return shared_file(name).read_text("utf-8")


def real_stops():
    return json.loads(_text(STOPS))["features"]


def gtfs_zip(with_calendar=True, crlf_bom=True):
    return replay.gtfs_zip(_text(STOPS), with_calendar=with_calendar, crlf_bom=crlf_bom)


def pls_rows():
    return replay.pls_rows(_text(PLS_HISTORY))


def pls_xml(row_index=0, rename=None, drop_numbers=(), status_override=None):
    """One PLS answer for the history row `row_index`; `rename` maps CSV names to published names."""
    return replay.pls_xml(_text(PLS_HISTORY), row_index, rename, drop_numbers, status_override)


def bus_vehicles():
    return replay.bus_vehicles(_text(BUS))


def aasee_month(which="head", shift_month=None):
    """The real Aasee sample; `shift_month` relabels its times to another month (a 'new' file)."""
    return replay.aasee_month(_text(AASEE_HEAD), _text(AASEE_TAIL), which=which, shift_month=shift_month)
