"""From an openSenseMap box to a dataset of our DCAT-AP.de schema.

Pure functions, no I/O: the harvester decides what to fetch and store.
Why some choices:
* Change detection hashes the box's metadata, never `updatedAt`, which moves
  with every measurement; the active/inactive state is part of the hash so a
  box is rewritten only when it crosses the inactivity threshold.
* Data minimisation (Datensparsamkeit): an indoor or unknown-exposure box
  usually sits in someone's home. Its position is published only to the
  nearest `location_precision` metres (snapped to a grid), which is enough to
  find data by district but not to find a flat.
"""
import datetime
import hashlib
import json
import math
import re
from urllib.parse import quote

from ckanext.smartcityms.fields import keywords
from ckanext.smartcityms.reference import geocoding, phenomena

PDDL = "http://dcat-ap.de/def/licenses/odcpddl"
ARCHIVE = "https://archive.opensensemap.org"
EXPOSURE_DE = {"indoor": "drinnen", "outdoor": "draußen", "mobile": "mobil", "unknown": "unbekannt"}
MIGRATION_DATE = "2022-03-30"  # createdAt of most boxes after a platform migration, not their real age


class BoxError(ValueError):
    """The box object cannot be used; the message names what is wrong."""


phenomenon = phenomena.phenomenon  # the mapping's name for the shared list


def coordinates(box):
    try:
        lon, lat = box["currentLocation"]["coordinates"][:2]  # 3-D positions carry a height
        lon, lat = float(lon), float(lat)
    except (KeyError, TypeError, ValueError, IndexError):
        raise BoxError("the box has no usable currentLocation")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BoxError(f"the box's position {lon},{lat} is not longitude/latitude")
    return lon, lat


def in_bbox(box, bbox):
    try:
        lon, lat = coordinates(box)
    except BoxError:
        return False
    west, south, east, north = bbox
    return west <= lon <= east and south <= lat <= north


def coarsen(lon, lat, metres):
    """Snap a position to the centre of a grid cell of about `metres` size."""
    lat_step = metres / 111_320
    lon_step = metres / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    return (round((math.floor(lon / lon_step) + 0.5) * lon_step, 6),
            round((math.floor(lat / lat_step) + 0.5) * lat_step, 6))


def sensors(box):
    raw = box.get("sensors")
    if not isinstance(raw, list) or not raw:
        raise BoxError("the box lists no sensors")
    result = []
    for sensor in raw:
        if not isinstance(sensor, dict) or not sensor.get("_id") or not sensor.get("title"):
            raise BoxError("a sensor has no id or title")
        result.append({"id": str(sensor["_id"]), "title": str(sensor["title"]).strip(),
                       "unit": str(sensor.get("unit") or "").strip(),
                       "type": str(sensor.get("sensorType") or "").strip()})
    return result


def is_inactive(box, inactive_after_days, now):
    last = box.get("lastMeasurementAt")
    if not last:
        return True
    try:
        measured = datetime.datetime.fromisoformat(str(last).replace("Z", "+00:00"))
    except ValueError:
        return True
    return (now - measured).days > inactive_after_days


def metadata_hash(box, inactive):
    grouptag = box.get("grouptag")
    grouptag = [t for t in grouptag if t] if isinstance(grouptag, list) else ([grouptag] if grouptag else [])
    relevant = {
        "name": box.get("name"), "description": box.get("description"), "exposure": box.get("exposure"),
        "model": box.get("model"), "grouptag": sorted(grouptag), "location": list(coordinates(box)),
        "sensors": sensors(box), "weblink": box.get("weblink"), "image": box.get("image"),
        "inactive": inactive,
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def _date(value):
    return str(value)[:10] if value else None


def dataset_for_box(box, config, now):
    """The dataset dict for `box`, plus the sensor titles we could not normalise."""
    box_id = str(box.get("_id") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{6,64}", box_id):
        raise BoxError(f"the box id {box_id!r} is not usable")
    name = str(box.get("name") or "").strip()
    if not name:
        raise BoxError("the box has no name")
    lon, lat = coordinates(box)
    exposure = box.get("exposure") if box.get("exposure") in EXPOSURE_DE else "unknown"
    box_sensors = sensors(box)
    inactive = is_inactive(box, config["inactive_after_days"], now)
    coarse = exposure in ("indoor", "unknown")
    if coarse:
        lon, lat = coarsen(lon, lat, config["location_precision"])

    known, unknown = [], []
    for sensor in box_sensors:
        found = phenomenon(sensor["title"])
        if found:
            sensor["phenomenon"] = found
            if found["slug"] not in known:
                known.append(found["slug"])
        else:
            unknown.append(sensor["title"])
    measured = list({s["phenomenon"]["slug"]: s["phenomenon"] for s in box_sensors if "phenomenon" in s}.values())
    phenomenon_labels = [s["phenomenon"]["title"]["de"] if "phenomenon" in s else s["title"]
                         for s in box_sensors]
    api = config["api_url"].rstrip("/")
    explore = f"https://opensensemap.org/explore/{box_id}"
    in_city = in_bbox(box, geocoding.BBOX)
    started = box.get("createdAt")
    if not started or str(started).startswith(MIGRATION_DATE):
        started = (box.get("currentLocation") or {}).get("timestamp") or started
    notes = []
    ended = box.get("lastMeasurementAt")
    if started and ended and _date(ended) < _date(started):
        # Seen on real boxes (re-registered after a migration): the creation date is not when
        # measuring began, so it cannot be the start of the coverage.
        notes.append(f"the last measurement ({_date(ended)}) lies before the box's creation date "
                     f"({_date(started)}); the start of the temporal coverage was left out")
        started = None

    description = (
        f"senseBox „{name}“ ({EXPOSURE_DE[exposure]} aufgestellt) misst "
        f"{', '.join(dict.fromkeys(phenomenon_labels))}. Die Messwerte erscheinen laufend auf der "
        f"openSenseMap und sind gemeinfrei (Open Data Commons PDDL)."
        + (" Der Standort ist zum Schutz der Privatsphäre auf etwa "
           f"{config['location_precision']} m vergröbert." if coarse else "")
        + (" Die Box sendet derzeit keine Messwerte." if inactive else "")
    )
    if box.get("description"):
        description += "\n\nBeschreibung der Betreiberin oder des Betreibers: " + str(box["description"]).strip()

    resources = [
        _resource(f"{api}/boxes/{box_id}", "Box-Metadaten (JSON)", "JSON",
                  "Name, Standort, Sensoren und letzte Messwerte der Box."),
        _resource(f"{api}/boxes/{box_id}/sensors", "Aktuelle Messwerte aller Sensoren (JSON)", "JSON",
                  "Der jeweils letzte Messwert jedes Sensors."),
    ]
    for sensor in box_sensors:
        label = sensor["phenomenon"]["title"]["de"] if "phenomenon" in sensor else sensor["title"]
        unit = sensor["unit"] or (sensor.get("phenomenon") or {}).get("unit", "")
        resources.append(_resource(
            f"{api}/boxes/{box_id}/data/{sensor['id']}?format=csv",
            f"{label}: Messwerte der letzten 48 Stunden (CSV)", "CSV",
            f"Spalten createdAt, value ({unit}); Sensor {sensor['type'] or 'unbekannt'}. "
            "Mit from-date und to-date (ISO 8601) wählbar, höchstens 10.000 Zeilen.",
            sensor_id=sensor["id"], phenomenon=sensor.get("phenomenon", {}).get("slug", "")))
    # The API selects by the box's own sensor title ("Temperature", "rel. Luftfeuchte");
    # people read our German name of the phenomenon, with the title only where two
    # titles of the box mean the same phenomenon.
    period_labels = {s["title"]: (s["phenomenon"]["title"]["de"] if "phenomenon" in s else s["title"])
                     for s in box_sensors}
    shared = {label for label in period_labels.values() if list(period_labels.values()).count(label) > 1}
    for title, label in period_labels.items():
        shown = f"{label} ({title})" if label in shared and label != title else label
        resources.append(_resource(
            f"{api}/boxes/data?boxId={box_id}&phenomenon={quote(title)}&format=csv",
            f"{shown}: Messwerte für einen Zeitraum (CSV)", "CSV",
            "Mit from-date und to-date (ISO 8601, höchstens 31 Tage je Abruf) den Zeitraum wählen; "
            "ohne Angabe die letzten zwei Tage."))
    resources.append(_resource(
        f"{ARCHIVE}/", "Tagesarchiv (CSV je Sensor und Tag)", "CSV",
        f"Jeder Tag als CSV je Sensor: {ARCHIVE}/JJJJ-MM-TT/{box_id}-<Boxname>/<Sensor-ID>-JJJJ-MM-TT.csv"))

    dataset = {
        "name": f"sensebox-{box_id.lower()}",
        "title": f"senseBox {name}",
        "notes": description,
        # German and English keywords: the box, the platform and what it measures.
        "tags": [{"name": k} for k in keywords.keywords(
            ["senseBox", "openSenseMap", *(p["title"]["de"] for p in measured)])],
        "keywords_en": keywords.keywords(
            ["senseBox", "openSenseMap", "citizen science", *(p["title"]["en"] for p in measured)]),
        "handlungsfeld": config["handlungsfeld"],
        "projekt": config["projekt"],
        "theme": ["ENVI"],
        "identifier": f"{api}/boxes/{box_id}",
        "url": explore,
        "contact_url": explore,
        "frequency": "UPDATE_CONT",
        "spatial": json.dumps({"type": "Point", "coordinates": [lon, lat]}),
        "temporal_start": _date(started),
        "temporal_end": _date(box.get("lastMeasurementAt")),
        "sensor_exposure": exposure,
        "sensor_model": str(box.get("model") or "") or None,
        "sensor_types": sorted({s["type"] for s in box_sensors if s["type"]}),
        "phenomena": known,
        "sensor_status": "inactive" if inactive else "active",
        "resources": resources,
    }
    if in_city:
        dataset["political_geocoding_uri"] = geocoding.MUNICIPALITY_KEY
    else:
        dataset["political_geocoding_uri"] = geocoding.NRW_STATE_KEY
        dataset["political_geocoding_level_uri"] = geocoding.STATE_LEVEL
    if config.get("organization"):
        dataset["owner_org"] = config["organization"]
    return {k: v for k, v in dataset.items() if v not in (None, "")}, unknown, notes


MEDIA_TYPES = {"JSON": "application/json", "CSV": "text/csv"}


def _resource(url, name, fmt, description, **extra):
    return {"url": url, "name": name, "format": fmt, "mimetype": MEDIA_TYPES[fmt],
            "description": description, "license": PDDL, **{k: v for k, v in extra.items() if v}}
