"""Vehicle positions of the Stadtwerke bus radar (con terra REST `/fahrzeuge`).

The format has drifted: in 2020 `visfahrplanlagezst` was a local date string
("4.3.2020, 18:20:18") and departure times ISO strings; newer answers carry
epoch seconds. `vehicles` accepts both and keeps what it cannot read empty,
with a note per vehicle, instead of failing the snapshot.
"""
import datetime
import zoneinfo

from ckanext.smartcityms.harvesters.stadtwerke.readers import json_document

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

COLUMNS = [
    ("fahrzeugid", "text"), ("linie", "text"), ("richtung", "text"), ("fahrtbezeichner", "text"),
    ("aktuelle_haltestelle", "text"), ("naechste_haltestelle", "text"), ("verspaetung_s", "int"),
    ("fahrtstatus", "text"), ("stand", "timestamp"), ("lon", "float"), ("lat", "float"),
]


class BusradarError(ValueError):
    """The answer is not a vehicle FeatureCollection."""


def _time(value):
    """UTC ISO time from epoch seconds/milliseconds, an ISO string or '4.3.2020, 18:20:18'."""
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is not None:
        if number > 1e11:
            number /= 1000
        try:
            moment = datetime.datetime.fromtimestamp(number, datetime.timezone.utc)
        except (OverflowError, OSError, ValueError):  # inf, nan, or beyond the calendar
            return None
    else:
        text = str(value).strip()
        moment = None
        for parse in (datetime.datetime.fromisoformat,
                      lambda t: datetime.datetime.strptime(t, "%d.%m.%Y, %H:%M:%S")):
            try:
                moment = parse(text)
                break
            except ValueError:
                continue
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BERLIN)
    return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


def _int(value):
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):  # "1e999" delays
        return None


def vehicles(raw):
    """(rows, problems) from the `/fahrzeuge` answer."""
    collection = json_document.parse(raw, BusradarError, "the answer")
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise BusradarError("the answer has no 'features' list")
    rows, problems, seen = [], [], set()
    for index, feature in enumerate(features):
        properties = (feature or {}).get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict) or not properties.get("fahrzeugid"):
            problems.append(f"feature {index}: no fahrzeugid; left out")
            continue
        vehicle = str(properties["fahrzeugid"])
        if vehicle in seen:
            continue
        seen.add(vehicle)
        try:
            lon, lat = (float(c) for c in feature["geometry"]["coordinates"][:2])
        except (KeyError, TypeError, ValueError):
            lon = lat = None
            problems.append(f"vehicle {vehicle}: no usable position")
        rows.append({
            "fahrzeugid": vehicle,
            "linie": str(properties.get("linientext") or properties.get("linienid") or "") or None,
            "richtung": properties.get("richtungstext") or None,
            "fahrtbezeichner": properties.get("fahrtbezeichner") or None,
            "aktuelle_haltestelle": properties.get("akthst") or None,
            "naechste_haltestelle": properties.get("nachhst") or None,
            "verspaetung_s": _int(properties.get("delay")),
            "fahrtstatus": properties.get("fahrtstatus") or None,
            "stand": _time(properties.get("visfahrplanlagezst")),
            "lon": lon, "lat": lat,
        })
    return rows, problems
