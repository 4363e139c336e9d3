"""The kinds of Stadtwerke/city feeds, one record each: options, checks, builder, errors.

A new kind is one `FeedKind` here (with its reader under readers/ and its
dataset builder in datasets.py); the source configuration (feeds.py) and
the harvester take everything else from this table.
"""
import dataclasses
import re
from typing import Callable

from ckanext.smartcityms.outbound import http
from ckanext.smartcityms.harvesters.stadtwerke import datasets, monthly
from ckanext.smartcityms.harvesters.stadtwerke.readers.busradar import BusradarError
from ckanext.smartcityms.harvesters.stadtwerke.readers.geojson_layer import LayerError
from ckanext.smartcityms.harvesters.stadtwerke.readers.gtfs import GtfsError
from ckanext.smartcityms.harvesters.stadtwerke.readers.parking import ParkingError, garage_index

SWMS_TERMS_URL = ("https://www.stadtwerke-muenster.de/fileadmin/stwms/busverkehr/kundencenter/dokumente/"
                  "GTFS/Allgemeine_Nutzungsbedingungen_SWMS_GTFS_Feeds.pdf")
SWMS_TERMS = {
    "licence": "other-closed",
    "licence_terms": ("Allgemeine Nutzungsbedingungen für Fahrplandaten der Stadtwerke Münster: "
                      "Nutzung erlaubt, kommerzielle Nutzung und gewinnorientierte Weitergabe sind "
                      "untersagt. Maßgeblich ist der Wortlaut der Nutzungsbedingungen: " + SWMS_TERMS_URL),
    "attribution": "Stadtwerke Münster GmbH",
}
CITY_OPEN = {"licence": "dl-by-de/2.0", "licence_terms": None, "attribution": "Stadt Münster"}


@dataclasses.dataclass(frozen=True)
class FeedKind:
    name: str
    defaults: dict                 # the kind's own options and their defaults
    build: Callable                # (feed, existing dataset or None, limits) -> datasets.Built
    # What a bad feed of this kind raises (its reader's error; ValueError from reading values):
    # that feed's error, its dataset and tables unchanged.
    errors: tuple = (ValueError,)
    check: Callable = lambda feed, where: None  # raises ValueError for a bad feed configuration


def _downloaded(builder):
    """A builder of one downloaded file as a FeedKind.build."""
    def build(feed, existing, limits):
        raw, _content_type = http.fetch(feed["url"], **limits)
        return builder(feed, raw)
    return build


def _check_realtime(feed, where):
    rt = feed["gtfs_rt"]
    if not isinstance(rt, list) or not all(str(u).startswith(("http://", "https://")) for u in rt):
        raise ValueError(f"{where}: gtfs_rt must be a list of http(s) URLs")


def _check_parking(feed, where):
    garage_index(feed["garage_aliases"])  # raises for aliases to unknown garages


def _check_timeseries(feed, where):
    if "{month}" not in feed["url"]:
        raise ValueError(f"{where}: url must contain {{month}} (replaced by YYYY-MM)")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(feed.get("since") or "")):
        raise ValueError(f"{where}: since must be the first month as YYYY-MM")
    for column, bounds in feed["plausible"].items():
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(b is None or isinstance(b, (int, float)) for b in bounds)):
            raise ValueError(f"{where}: plausible.{column} must be [low, high] (null for open)")
    location = feed["location"]
    if location is not None and (not isinstance(location, list) or len(location) != 2
                                 or not all(isinstance(v, (int, float)) for v in location)):
        raise ValueError(f"{where}: location must be [longitude, latitude]")


MOBILITY = ["mobilitaet-verkehr"]
KINDS = {kind.name: kind for kind in (
    FeedKind("gtfs", {**SWMS_TERMS, "every_minutes": 1440, "stale_after_hours": 24 * 60,
                      "handlungsfeld": MOBILITY},
             _downloaded(datasets.build_gtfs), (GtfsError, ValueError)),
    FeedKind("realtime", {**SWMS_TERMS, "every_minutes": 5, "stale_after_hours": 1,
                          "handlungsfeld": MOBILITY, "gtfs_rt": [], "documentation": None},
             _downloaded(datasets.build_realtime), (BusradarError, ValueError), _check_realtime),
    FeedKind("geojson", {"every_minutes": 1440, "stale_after_hours": 24 * 90, "handlungsfeld": MOBILITY},
             _downloaded(datasets.build_geojson), (LayerError, ValueError)),
    FeedKind("parking", {**CITY_OPEN, "every_minutes": 5, "stale_after_hours": 2,
                         "handlungsfeld": MOBILITY, "garage_aliases": {}},
             _downloaded(datasets.build_parking), (ParkingError, ValueError), _check_parking),
    FeedKind("timeseries_csv", {"every_minutes": 60, "stale_after_hours": 72, "since": None,
                                "plausible": {}, "units": {}, "location": None},
             monthly.build_feed, (ValueError,), _check_timeseries),
)}
