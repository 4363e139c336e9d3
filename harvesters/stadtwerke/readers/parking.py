"""The city's parking guidance XML (PLS-INet.xml) as occupancy rows.

The XML has no garage ids and its names drift ("Parkhaus Karstadt" became
"Parkhaus Galeria"), so garages get stable ids from
schemas/reference/parkhaeuser.json plus the source's own `garage_aliases`.
A name we cannot map is *reported* and stored under a provisional id
`neu-<name>`, so its numbers are not lost and no garage is invented
silently; adding an alias later maps the name to the right garage.
"""
import dataclasses
import datetime
import importlib.resources
import json
import re
import xml.etree.ElementTree as ElementTree

import defusedxml
import defusedxml.ElementTree as defused_tree

from ckanext.smartcityms import cache

KNOWN_STATUS = {"frei", "besetzt", "geschlossen", "keine daten"}
PREFIXES = {"ph": "parkhaus", "pp": "parkplatz", "tg": "tiefgarage"}
COLUMNS = [("garage_id", "text"), ("zeit", "timestamp"), ("datum", "date"), ("name", "text"),
           ("frei", "int"), ("gesamt", "int"), ("belegt_prozent", "float"), ("status", "text")]


class ParkingError(ValueError):
    """The XML cannot be read at all."""


def name_key(name):
    words = re.sub(r"[^\w]+", " ", str(name).casefold()).split()
    return " ".join(PREFIXES.get(word, word) for word in words)


def slug(name):
    text = str(name).casefold()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@cache.shipped
def garages():
    data = json.loads(importlib.resources.files("ckanext.smartcityms.schemas")
                      .joinpath("reference/parkhaeuser.json").read_text("utf-8"))
    return tuple(data["garages"])


def garage_index(extra_aliases=None):
    """name key -> garage id, from the reference file and a source's own aliases."""
    index = {}
    for garage in garages():
        for name in [garage["name"], *garage["aliases"]]:
            index[name_key(name)] = garage["id"]
    known = {g["id"] for g in garages()}
    for alias, garage_id in (extra_aliases or {}).items():
        if garage_id not in known:
            raise ValueError(f"garage_aliases: {alias!r} points to unknown garage id {garage_id!r}")
        index[name_key(alias)] = garage_id
    return index


@dataclasses.dataclass
class Snapshot:
    rows: list
    problems: list
    unknown_names: list


def _int(text):
    text = (text or "").strip()
    try:
        return int(float(text.replace(",", ".")))
    except (ValueError, OverflowError):  # not a number, or "1e999" / "inf"
        return None


def _time(text):
    try:
        return datetime.datetime.strptime((text or "").strip(), "%d.%m.%Y %H:%M")
    except ValueError:
        return None


def snapshot(raw, aliases=None):
    """Rows for every garage of one PLS XML answer; problems are per garage."""
    try:
        root = defused_tree.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise ParkingError("XML with DOCTYPE or entity declarations is refused")
    except ElementTree.ParseError as error:
        raise ParkingError(f"the XML cannot be parsed ({error}); a truncated answer?")
    entries = root.findall(".//parkhaus")
    if not entries:
        raise ParkingError("the XML lists no <parkhaus> elements")
    index = garage_index(aliases)
    capacities = {g["id"]: g["capacity"] for g in garages()}
    rows, problems, unknown, seen = [], [], [], set()
    for entry in entries:
        name = (entry.findtext("bezeichnung") or "").strip()
        if not name:
            problems.append("a <parkhaus> without <bezeichnung> was left out")
            continue
        garage_id = index.get(name_key(name))
        if garage_id is None:
            garage_id = "neu-" + slug(name)
            unknown.append(name)
        when = _time(entry.findtext("zeitstempel"))
        if when is None:
            problems.append(f"{name}: no readable <zeitstempel> "
                            f"({(entry.findtext('zeitstempel') or '').strip()[:30]!r}); left out")
            continue
        if (garage_id, when) in seen:
            continue
        seen.add((garage_id, when))
        free, total = _int(entry.findtext("frei")), _int(entry.findtext("gesamt"))
        status = (entry.findtext("status") or "").strip().casefold()
        if status not in KNOWN_STATUS:
            problems.append(f"{name}: unknown status {status[:30]!r}; stored as delivered")
        if free is None and status == "frei":
            problems.append(f"{name}: no number of free spaces; left empty")
        if total is None:
            total = capacities.get(garage_id)
        occupied = (round(100 * (total - free) / total, 1)
                    if free is not None and total and 0 <= free <= total else None)
        rows.append({"garage_id": garage_id, "zeit": when.isoformat(timespec="minutes"),
                     "datum": when.date().isoformat(), "name": name, "frei": free, "gesamt": total,
                     "belegt_prozent": occupied, "status": status or None})
    return Snapshot(rows, problems, unknown)
