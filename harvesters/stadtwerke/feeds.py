"""The source configuration of the `stadtwerke_ms` harvester: a list of feeds.

Each feed has an `id` (stable: it becomes the harvest guid and part of the
dataset name), a `kind`, a `url` and optional settings. Licences default only
where the terms are known (sources.md): the Stadtwerke timetable and bus
radar terms (not open: no commercial use) and the city's dl-de/by-2.0 for
the parking guidance system; every other feed must name its licence.
"""
import re

from ckanext.smartcityms.harvesters import common
from ckanext.smartcityms.harvesters.source_config import SourceConfig
from ckanext.smartcityms.harvesters.stadtwerke.kinds import KINDS

LICENSES = "http://dcat-ap.de/def/licenses/"
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
    known = {"id", "kind", "url", *COMMON, *KINDS[kind].defaults}
    unknown = set(given) - known
    if unknown:
        raise ValueError(f"{where}: unknown option(s) {', '.join(sorted(unknown))} for kind {kind}")
    feed = {**COMMON, **KINDS[kind].defaults, **{k: v for k, v in given.items() if v is not None}}
    feed_id = str(feed.get("id") or "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,60}", feed_id):
        raise ValueError(f"{where}: id must be 2–61 lower-case letters, digits or hyphens")
    where = f"feed {feed_id}"
    url = str(feed.get("url") or "")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{where}: url must be an http(s) URL")
    KINDS[kind].check(feed, where)
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


def _check(config):
    """Every feed completed; ValueError names what is wrong."""
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


SOURCE_CONFIG = SourceConfig(SOURCE_DEFAULTS, _check,
                             organizations=lambda config: [feed["organization"] for feed in config["feeds"]])
parse_config = SOURCE_CONFIG.parse
