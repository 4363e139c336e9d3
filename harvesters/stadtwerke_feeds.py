"""The source configuration of the `stadtwerke_ms` harvester: a list of feeds.

Each feed has an `id` (stable: it becomes the harvest guid and part of the
dataset name), a `kind`, a `url` and optional settings. Licences default only
where the terms are known (sources.md): the Stadtwerke timetable and bus
radar terms (not open: no commercial use) and the city's dl-de/by-2.0 for
the parking guidance system; every other feed must name its licence.
"""
import re

from ckanext.smartcityms.harvesters import common
from ckanext.smartcityms.harvesters import parking

KINDS = ("gtfs", "realtime", "geojson", "parking", "timeseries_csv")
LICENSES = "http://dcat-ap.de/def/licenses/"
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

KIND_DEFAULTS = {
    "gtfs": {**SWMS_TERMS, "every_minutes": 1440, "stale_after_hours": 24 * 60,
             "handlungsfeld": ["mobilitaet-verkehr"]},
    "realtime": {**SWMS_TERMS, "every_minutes": 5, "stale_after_hours": 1,
                 "handlungsfeld": ["mobilitaet-verkehr"], "gtfs_rt": [], "documentation": None},
    "geojson": {"every_minutes": 1440, "stale_after_hours": 24 * 90, "handlungsfeld": ["mobilitaet-verkehr"]},
    "parking": {**CITY_OPEN, "every_minutes": 5, "stale_after_hours": 2,
                "handlungsfeld": ["mobilitaet-verkehr"], "garage_aliases": {}},
    "timeseries_csv": {"every_minutes": 60, "stale_after_hours": 72, "since": None,
                       "plausible": {}, "units": {}, "location": None},
}
COMMON = {"title": None, "description": None, "organization": None, "projekt": [],
          "handlungsfeld": ["mobilitaet-verkehr"],
          "licence": None, "licence_terms": None, "attribution": None, "landing_page": None}
SOURCE_DEFAULTS = {"feeds": [], "organization": None, "timeout": 30, "max_mb": 200}


def _licence(value):
    value = str(value or "").strip()
    if not value:
        return None
    return value if value.startswith("http") else LICENSES + value


def parse_feed(given, position):
    where = f"feeds[{position}]"
    if not isinstance(given, dict):
        raise ValueError(f"{where} must be an object")
    kind = given.get("kind")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}")
    known = {"id", "kind", "url", *COMMON, *KIND_DEFAULTS[kind]}
    unknown = set(given) - known
    if unknown:
        raise ValueError(f"{where}: unknown option(s) {', '.join(sorted(unknown))} for kind {kind}")
    feed = {**COMMON, **KIND_DEFAULTS[kind], **{k: v for k, v in given.items() if v is not None}}
    feed_id = str(feed.get("id") or "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,60}", feed_id):
        raise ValueError(f"{where}: id must be 2–61 lower-case letters, digits or hyphens")
    where = f"feed {feed_id}"
    url = str(feed.get("url") or "")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{where}: url must be an http(s) URL")
    if kind == "timeseries_csv":
        if "{month}" not in url:
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
    if kind == "parking":
        parking.garage_index(feed["garage_aliases"])  # raises for aliases to unknown garages
    if kind == "realtime":
        rt = feed["gtfs_rt"]
        if not isinstance(rt, list) or not all(str(u).startswith(("http://", "https://")) for u in rt):
            raise ValueError(f"{where}: gtfs_rt must be a list of http(s) URLs")
    feed["licence"] = _licence(feed["licence"])
    if not feed["licence"]:
        raise ValueError(f"{where}: licence is required for kind {kind} (a DCAT-AP.de licence code or URI)")
    for key in ("handlungsfeld", "projekt"):
        feed[key] = common.strategy_slugs(key, feed[key])
    if not feed["handlungsfeld"]:
        raise ValueError(f"{where}: handlungsfeld needs at least one Handlungsfeld")
    for key in ("every_minutes", "stale_after_hours"):
        if not isinstance(feed[key], (int, float)) or feed[key] <= 0:
            raise ValueError(f"{where}: {key} must be a positive number")
    return feed


def parse_config(text):
    """The source configuration with every feed completed; ValueError names what is wrong."""
    config = {**SOURCE_DEFAULTS, **common.parse_json_object(text, SOURCE_DEFAULTS)}
    if not isinstance(config["feeds"], list) or not config["feeds"]:
        raise ValueError("feeds must be a non-empty list")
    feeds = [parse_feed(feed, position) for position, feed in enumerate(config["feeds"])]
    ids = [feed["id"] for feed in feeds]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"feed ids must be unique: {', '.join(duplicates)}")
    for key in ("timeout", "max_mb"):
        if not isinstance(config[key], (int, float)) or config[key] <= 0:
            raise ValueError(f"{key} must be a positive number")
    for feed in feeds:
        feed["organization"] = feed["organization"] or config["organization"]
    config["feeds"] = feeds
    return config
