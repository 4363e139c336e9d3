"""What a person reads for a stored value: names instead of URIs, codes and
lists in Python notation, in the page's language (template helpers)."""

import ckan.plugins.toolkit as tk

from ckanext.smartcityms.fields.geometry import stored_geometry_bounds
from ckanext.smartcityms.fields.lists import as_list
from ckanext.smartcityms.reference import geocoding
from ckanext.smartcityms.reference.phenomena import phenomenon
from ckanext.smartcityms.web.language import page_language, smartcityms_localized as localized

# Länder by their key in the official municipality key (AGS), which DCAT-AP.de's
# political geocoding URIs end in (…/stateKey/05).
STATE_NAMES = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
    "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz", "08": "Baden-Württemberg",
    "09": "Bayern", "10": "Saarland", "11": "Berlin", "12": "Brandenburg", "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen", "15": "Sachsen-Anhalt", "16": "Thüringen",
}
KEY_KINDS = {
    "stateKey": {"de": "Land", "en": "State"},
    "districtKey": {"de": "Kreis", "en": "District"},
    "municipalityKey": {"de": "Gemeinde", "en": "Municipality"},
    "regionalKey": {"de": "Gemeinde (Regionalschlüssel)", "en": "Municipality (regional key)"},
    "municipalAssociationKey": {"de": "Gemeindeverband", "en": "Municipal association"},
}
GEOMETRY_KINDS = {
    "Point": {"de": "Punkt", "en": "Point"}, "MultiPoint": {"de": "Punkte", "en": "Points"},
    "LineString": {"de": "Linie", "en": "Line"}, "MultiLineString": {"de": "Linien", "en": "Lines"},
    "Polygon": {"de": "Fläche", "en": "Area"}, "MultiPolygon": {"de": "Flächen", "en": "Areas"},
}
# the default titles our views are created with (stored in whichever language created them)
VIEW_TITLES = {"Last 48 hours": "Last 48 hours", "Letzte 48 Stunden": "Last 48 hours",
               "Location": "Location", "Standort": "Location"}


def smartcityms_area(uri):
    """A political geocoding URI as a name ("Nordrhein-Westfalen", "Münster") or,
    for a key we have no name for, its kind and number."""
    text = str(uri or "").rstrip("/")
    if text in geocoding.CITY_KEYS:
        return "Münster"
    path, _, key = text.rpartition("/")
    kind = path.rpartition("/")[2]
    if kind == "stateKey" and key in STATE_NAMES:
        return STATE_NAMES[key]
    if kind in KEY_KINDS and text.startswith(geocoding.POLITICAL_GEOCODING):
        return f"{localized(KEY_KINDS[kind])} {key}"
    return text


def _degrees(value, positive, negative):
    number = f"{abs(value):.5f}"
    if page_language() == "de":
        number = number.replace(".", ",")
    return f"{number}° {positive if value >= 0 else negative}"


def _position(lon, lat):
    east, west = ("O", "W") if page_language() == "de" else ("E", "W")
    return f"{_degrees(lat, 'N', 'S')}, {_degrees(lon, east, west)}"


def smartcityms_geometry_summary(value):
    """A stored GeoJSON geometry in words: "Punkt: 51,96200° N, 7,62000° O", or the
    kind and its extent; None if it cannot be read."""
    read = stored_geometry_bounds(value)
    if read is None or read[0] not in GEOMETRY_KINDS:
        return None
    kind = localized(GEOMETRY_KINDS[read[0]])
    west, south, east, north = read[1]
    if (west, south) == (east, north):
        return f"{kind}: {_position(west, south)}"
    return f"{kind}: {_position(west, south)} – {_position(east, north)}"


def smartcityms_list_items(field_name, value):
    """[{text, url, lang}] of a list field: phenomena by name and English
    keywords, each linked to the search for them; URIs as links; other
    values as they are."""
    items = []
    for entry in as_list(value):
        entry = str(entry)
        if field_name == "phenomena":
            known = phenomenon(entry)
            text = localized(known["title"]) if known else entry
            items.append({"text": text, "url": tk.h.url_for("dataset.search", phenomena=entry)})
        elif field_name == "keywords_en":
            # marked as English for screen readers (WCAG 3.1.2), linked to the datasets with it
            items.append({"text": entry, "lang": "en",
                          "url": tk.h.url_for("dataset.search", q=f'keywords_en:"{entry}"')})
        elif entry.startswith(("http://", "https://")):
            items.append({"text": entry, "url": entry})
        else:
            items.append({"text": entry, "url": None})
    return items


def smartcityms_view_title(view):
    """A view's title; the default titles of our own views in the page's language."""
    title = (view or {}).get("title") or ""
    english = VIEW_TITLES.get(title)
    return tk._(english) if english and str((view or {}).get("view_type", "")).startswith("smartcityms_") else title


HELPERS = [smartcityms_area, smartcityms_geometry_summary, smartcityms_list_items, smartcityms_view_title]
