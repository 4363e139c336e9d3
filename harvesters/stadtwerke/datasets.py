"""From a downloaded Stadtwerke/city feed to a dataset of our DCAT-AP.de schema
plus the DataStore tables it feeds. Pure functions, no I/O.

Every builder returns a `Built`: the dataset (resources carry a `feed_role`
so the harvester keeps their ids across runs), the tables to load (rows
included) and warnings for the harvest job.
"""
import dataclasses
import datetime
import hashlib
import json

from ckanext.smartcityms.reference import geocoding, vocabularies
from ckanext.smartcityms.strategy.themes import eu_theme_codes
from ckanext.smartcityms.harvesters.stadtwerke.readers import busradar
from ckanext.smartcityms.harvesters.stadtwerke.readers import geojson_layer
from ckanext.smartcityms.harvesters.stadtwerke.readers import gtfs
from ckanext.smartcityms.harvesters.stadtwerke.readers import parking
from ckanext.smartcityms.harvesters.stadtwerke.readers import timeseries_csv



@dataclasses.dataclass
class Table:
    role: str
    name: str
    description: str
    columns: list
    primary_key: list
    indexes: list
    rows: list
    replace: bool = False


@dataclasses.dataclass
class Built:
    dataset: dict
    tables: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)


def sha256(raw):
    return hashlib.sha256(raw).hexdigest()


def is_open(licence_uri):
    concept = vocabularies.vocabulary("license").get(licence_uri)
    return bool(concept and concept.get("open"))


def _polygon(bbox):
    west, south, east, north = (round(v, 6) for v in bbox)
    if west == east and south == north:
        return json.dumps({"type": "Point", "coordinates": [west, south]})
    return json.dumps({"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north],
                                                           [west, north], [west, south]]]})


def licence_sentence(feed):
    if is_open(feed["licence"]):
        return ""
    return ("\n\n**Keine offenen Daten:** Die Nutzungsbedingungen schränken die Nutzung ein. "
            + (feed["licence_terms"] or "Bitte die Nutzungsbedingungen der Datenquelle beachten."))


def resource(feed, role, url, name, fmt, media_type, description, **extra):
    result = {"feed_role": role, "url": url, "name": name, "format": fmt, "mimetype": media_type,
              "description": description, "license": feed["licence"]}
    if feed.get("attribution"):
        result["license_attribution_by_text"] = feed["attribution"]
    if feed.get("licence_terms"):
        result["rights"] = feed["licence_terms"]
    result.update({k: v for k, v in extra.items() if v not in (None, "")})
    return result


def table_resource(feed, table):
    """The distribution of a DataStore table; its URL is set once its id is known."""
    return resource(feed, table.role, "", table.name, "CSV", "text/csv",
                    table.description + " Filterbar über die DataStore-API (datastore_search), "
                    "Download als CSV, JSON oder XLSX.", datastore_table=True)


# German and English keywords of each feed kind's datasets.
KIND_KEYWORDS = {
    "gtfs": (("Stadtwerke Münster", "ÖPNV", "Fahrplan", "GTFS"),
             ("Stadtwerke Münster", "public transport", "timetable", "GTFS")),
    "realtime": (("Stadtwerke Münster", "ÖPNV", "Echtzeit", "Busse"),
                 ("Stadtwerke Münster", "public transport", "real time", "buses")),
    "geojson": (("Mobilität", "Karte"), ("mobility", "map")),
    "parking": (("Parken", "Parkhäuser", "Echtzeit"), ("parking", "car parks", "real time")),
    "timeseries_csv": (("Messreihe", "Sensoren"), ("time series", "sensors")),
}


def base_dataset(feed, title, notes, frequency, spatial=None):
    dataset = {
        "name": feed["id"],
        "title": feed["title"] or title,
        "notes": (feed["description"] or notes) + licence_sentence(feed),
        "handlungsfeld": feed["handlungsfeld"],
        "projekt": feed["projekt"],
        "theme": eu_theme_codes(feed["handlungsfeld"]),
        "political_geocoding_level_uri": geocoding.MUNICIPALITY_LEVEL,
        "political_geocoding_uri": geocoding.MUNICIPALITY_KEY,
        "frequency": frequency,
        # A URL template ({month}) is no page to land on.
        "url": feed["landing_page"] or (None if "{" in feed["url"] else feed["url"]),
        "identifier": feed["url"],
        "stale_after_hours": feed["stale_after_hours"],
        "tags": [{"name": k} for k in KIND_KEYWORDS[feed["kind"]][0]],
        "keywords_en": list(KIND_KEYWORDS[feed["kind"]][1]),
    }
    if spatial:
        dataset["spatial"] = spatial
    if feed.get("organization"):
        dataset["owner_org"] = feed["organization"]
    return dataset


# ---------------------------------------------------------------- gtfs

STOP_COLUMNS = [("stop_id", "text"), ("name", "text"), ("lat", "float"), ("lon", "float"),
                ("location_type", "text"), ("parent_station", "text")]


def build_gtfs(feed, raw):
    summary = gtfs.summarise(raw)
    agencies = ", ".join(summary.agencies) or "unbekannt"
    period = ""
    if summary.service_start:
        period = (f" Der Fahrplan gilt vom {summary.service_start:%d.%m.%Y} bis "
                  f"{summary.service_end:%d.%m.%Y}.")
    notes = (f"Soll-Fahrplan im GTFS-Format ({agencies}): {summary.route_count} Linien und "
             f"{len(summary.stops)} Haltestellen und Haltepunkte.{period} Die Haltestellen stehen zusätzlich "
             "als Tabelle und als GeoJSON bereit.")
    dataset = base_dataset(feed, f"ÖPNV-Fahrplan (GTFS): {agencies}", notes, "IRREG",
                           _polygon(summary.bbox) if summary.bbox else None)
    if summary.service_start:
        dataset["temporal_start"] = summary.service_start.isoformat()
        dataset["temporal_end"] = summary.service_end.isoformat()
    dataset["conforms_to"] = ["https://gtfs.org/documentation/schedule/reference/"]
    stops = Table("stops", "Haltestellen (Tabelle)", "Alle Haltestellen aus stops.txt mit Koordinaten.",
                  STOP_COLUMNS, ["stop_id"], ["name"],
                  [dataclasses.astuple(s) for s in summary.stops], replace=True)
    dataset["resources"] = [
        resource(feed, "zip", feed["url"], "Fahrplan (GTFS-Zip)", "GTFS", "application/zip",
                 f"Der vollständige GTFS-Feed; enthält {', '.join(summary.files)}.",
                 download_url=feed["url"], size=len(raw), hash=sha256(raw),
                 hash_algorithm="http://spdx.org/rdf/terms#checksumAlgorithm_sha256"),
        table_resource(feed, stops),
        resource(feed, "stops_geojson", "", "Haltestellen (GeoJSON)", "GEOJSON", "application/geo+json",
                 "Die Haltestellen als GeoJSON-Punkte, abgeleitet aus stops.txt.", geojson_of="stops"),
    ]
    return Built(dataset, [stops], list(summary.problems))


# ---------------------------------------------------------------- realtime


def build_realtime(feed, raw):
    rows, problems = busradar.vehicles(raw)
    notes = ("Live-Positionen der Busse der Stadtwerke Münster (Busradar): Linie, Richtung, "
             "aktuelle und nächste Haltestelle, Verspätung. Die Schnittstelle liefert laufend "
             "aktuelle Werte; das Portal hält den jeweils letzten Stand als Tabelle bereit.")
    dataset = base_dataset(feed, "ÖPNV: Busse in Echtzeit (Busradar)", notes, "UPDATE_CONT")
    positions = [(r["lon"], r["lat"]) for r in rows if r["lon"] is not None]
    if positions:
        dataset["spatial"] = _polygon((min(p[0] for p in positions), min(p[1] for p in positions),
                                       max(p[0] for p in positions), max(p[1] for p in positions)))
    if feed["documentation"]:
        dataset["documentation"] = [feed["documentation"]]
    snapshot = Table("vehicles", "Letzter Stand der Fahrzeugpositionen (Tabelle)",
                     "Eine Zeile je Fahrzeug, bei jedem Lauf ersetzt.", busradar.COLUMNS, ["fahrzeugid"],
                     ["linie"], rows, replace=True)
    resources = [
        resource(feed, "api", feed["url"], "Busradar-Schnittstelle (REST, GeoJSON)", "GEOJSON",
                 "application/geo+json",
                 "Live-Schnittstelle: jede Abfrage liefert alle Fahrzeuge als GeoJSON-Punkte.",
                 documentation=feed["documentation"]),
        table_resource(feed, snapshot),
    ]
    for url in feed["gtfs_rt"]:
        resources.append(resource(
            feed, "gtfs_rt:" + url, url, f"GTFS-Realtime: {url.rsplit('/', 1)[-1]}", "BIN",
            "application/x-protobuf", "GTFS-Realtime-Feed (Protocol Buffers).",
            conforms_to=["https://gtfs.org/documentation/realtime/reference/"]))
    dataset["resources"] = resources
    # The snapshot changes on every run; the dataset's metadata does not.
    dataset.pop("spatial", None)
    return Built(dataset, [snapshot], problems)


# ---------------------------------------------------------------- geojson


def build_geojson(feed, raw):
    layer = geojson_layer.describe(raw)
    notes = (f"{layer['count']} Objekte ({', '.join(layer['geometry_types']) or 'ohne Geometrie'}). "
             f"Eigenschaften je Objekt: {', '.join(layer['properties']) or 'keine'}.")
    if layer["titles"]:
        notes += " Zum Beispiel: " + ", ".join(layer["titles"][:5]) + "."
    dataset = base_dataset(feed, "Mobilitätsstationen", notes, "IRREG",
                           _polygon(layer["bbox"]) if layer["bbox"] else None)
    dataset["resources"] = [resource(
        feed, "geojson", feed["url"], dataset["title"] + " (GeoJSON)", "GEOJSON", "application/geo+json",
        f"{layer['count']} Objekte als GeoJSON (WGS 84).", download_url=feed["url"], size=len(raw),
        hash=sha256(raw), hash_algorithm="http://spdx.org/rdf/terms#checksumAlgorithm_sha256")]
    return Built(dataset)


# ---------------------------------------------------------------- parking


def build_parking(feed, raw):
    snap = parking.snapshot(raw, feed["garage_aliases"])
    warnings = list(snap.problems)
    for name in snap.unknown_names:
        warnings.append(f"garage name {name!r} is not in the garage list; stored as "
                        f"'neu-{parking.slug(name)}'. Add it to schemas/reference/parkhaeuser.json or "
                        "map it with garage_aliases in the source configuration if it is a renamed garage.")
    notes = ("Freie Plätze der Parkhäuser und Parkplätze im Parkleitsystem der Stadt Münster. "
             "Jeder Abruf wird an die Belegungshistorie angehängt (eine Zeile je Parkhaus und Zeitpunkt); "
             "Parkhäuser haben feste Kennungen, die Umbenennungen überdauern.")
    dataset = base_dataset(feed, "Parkleitsystem: Belegung der Parkhäuser (aktuell und Historie)", notes,
                           "15MIN" if feed["every_minutes"] >= 15 else "5MIN",
                           _polygon((7.6060, 51.9470, 7.6430, 51.9700)))
    history = Table("history", "Belegungshistorie (Tabelle)",
                    "Spalten garage_id, zeit (Ortszeit), datum, name, frei, gesamt, belegt_prozent, status.",
                    parking.COLUMNS, ["garage_id", "zeit"], [["garage_id", "datum"]], snap.rows)
    dataset["resources"] = [
        resource(feed, "xml", feed["url"], "Parkleitsystem (XML, aktuell)", "XML", "application/xml",
                 "Der aktuelle Stand aller Parkhäuser, wie ihn die Stadt veröffentlicht."),
        table_resource(feed, history),
    ]
    return Built(dataset, [history], warnings)


# ---------------------------------------------------------------- timeseries_csv


def column_names(columns):
    """DataStore-safe column names: no leading underscore, no quotes, unique."""
    names = []
    for column in columns:
        name = column.replace('"', "").strip().lstrip("_") or "wert"
        while len(name.encode("utf-8")) > 60:  # PostgreSQL cuts identifiers at 63 bytes
            name = name[:-1]
        while name in names or name in ("zeit", "datum", "hinweise"):
            name += "_"
        names.append(name)
    return names


def timeseries_table(feed, columns):
    return Table("measurements", "Alle Messwerte (Tabelle)",
                 "Eine Zeile je Zeitpunkt; 'hinweise' nennt unplausible Werte, die nicht entfernt wurden.",
                 [("zeit", "timestamp"), ("datum", "date"), *[(c, "float") for c in column_names(columns)],
                  ("hinweise", "text")],
                 ["zeit"], ["datum"], [])


def timeseries_rows(reading):
    for row in reading.rows:
        values = [row.values.get(column) for column in reading.columns]
        notes = "; ".join(f"{column}: {reason}" for column, reason in row.flags.items()) or None
        yield (row.timestamp.isoformat(timespec="minutes"), row.timestamp.date().isoformat(), *values, notes)


def build_timeseries(feed, months, previous_columns=None):
    """`months` maps YYYY-MM to (url, raw bytes or None when unchanged, sha256, reading or None)."""
    readings = [m[3] for m in months.values() if m[3] is not None]
    columns = readings[-1].columns if readings else (previous_columns or [])
    warnings, first = [], None
    for month, (_, _, _, reading) in sorted(months.items()):
        if reading is None:
            continue
        if reading.columns != columns:
            warnings.append(f"{month}: columns {reading.columns} differ from {columns}; month not loaded")
            continue
        warnings.extend(f"{month}, {problem}" for problem in reading.problems[:20])
        if len(reading.problems) > 20:
            warnings.append(f"{month}: {len(reading.problems) - 20} more problems not listed")
        flagged = sum(1 for row in reading.rows if row.flags)
        if flagged:
            warnings.append(f"{month}: {flagged} rows with implausible values (kept, marked in 'hinweise')")
    units = ", ".join(f"{c} ({feed['units'][c]})" if c in feed["units"] else c for c in columns)
    notes = (f"Messreihe im 15-Minuten-Takt: {units}. Monatsdateien ab {feed['since']}; neue Monate "
             "werden automatisch ergänzt. Unplausible Werte (außerhalb der für jede Größe festgelegten "
             "Bereiche) bleiben erhalten und sind in der Tabelle markiert.")
    dataset = base_dataset(feed, "Messreihe", notes, "DAILY")
    if feed["location"]:
        dataset["spatial"] = json.dumps({"type": "Point", "coordinates": list(feed["location"])})
    known = sorted(months)
    if known:
        dataset["temporal_start"] = known[0] + "-01"
    table = timeseries_table(feed, columns)
    resources = [table_resource(feed, table)]
    for month in sorted(months, reverse=True):
        url, _, digest, _ = months[month]
        year, number = month.split("-")
        resources.append(resource(
            feed, "month:" + month, url, f"Messwerte {number}/{year} (CSV)", "CSV", "text/csv",
            f"Alle Messwerte des Monats {number}/{year}.", download_url=url, hash=digest,
            hash_algorithm="http://spdx.org/rdf/terms#checksumAlgorithm_sha256"))
        first = first or month
    if first:  # the newest month: coverage ends with its last day
        start = datetime.date(int(first[:4]), int(first[5:]), 1)
        next_month = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        dataset["temporal_end"] = (next_month - datetime.timedelta(days=1)).isoformat()
    dataset["resources"] = resources
    return Built(dataset, [table], warnings), columns


def read_month(feed, raw):
    return timeseries_csv.read(raw, {k: tuple(v) for k, v in feed["plausible"].items()})
