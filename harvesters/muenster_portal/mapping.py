"""From the old DKAN portal's metadata export to our schema: one value at a
time, pure (no CKAN, no database), so every untidy case of the real export
has a unit test (tests/harvesters/muenster_portal/test_mapping.py).

Each function takes what one cell of the export holds and returns our value,
or None where the cell says nothing usable; none guesses silently: what
cannot be mapped stays None and the caller reports it per field.
"""
import json
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import markdownify
import nh3

LICENSES = "http://dcat-ap.de/def/licenses/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
NAME_MAX = 100  # CKAN's limit for a dataset's name

# The licence texts of the export (column License) and the DCAT-AP.de licence each means.
LICENSE_TEXTS = {
    "datenlizenz deutschland – namensnennung – version 2.0": "dl-by-de/2.0",
    "datenlizenz deutschland – zero – version 2.0": "dl-zero-de/2.0",
    "creative commons cc zero license (cc-zero)": "cc-zero",
    "open data commons open database license (odbl)": "odbl",
    "creative commons namensnennung 3.0 de": "cc-by-de/3.0",
    "cc by-sa 4.0": "cc-by-sa/4.0",
    "cc-by-nc": "cc-by-nc",
    "creative commons namensnennung - weitergabe unter gleichen bedingungen (cc by-sa)": "cc-by-sa-de/3.0",
    "cc-by 4.0": "cc-by/4.0",
    "open data commons public domain dedication and licence (odc pddl)": "odcpddl",
    "gnu free documentation license 1.2": "gfdl",
    "cc-by-sa": "cc-by-sa-de/3.0",
}
UNSETTLED_LICENSES = {"", "notspecified"}

# ISO 8601 repeating intervals of the export (column Frequency) -> EU frequency
FREQUENCIES = {"R/P1Y": "ANNUAL", "R/P6M": "ANNUAL_2", "R/P3M": "QUARTERLY", "R/P1M": "MONTHLY",
               "R/P1W": "WEEKLY", "R/P1D": "DAILY", "R/PT1H": "HOURLY", "R/PT15M": "15MIN", "R/PT5M": "5MIN",
               "R/PT1M": "1MIN", "R/PT1S": "UPDATE_CONT", "R/P2Y": "BIENNIAL"}

# The old portal's categories (column Tags) -> EU data themes
CATEGORY_THEMES = {
    "Transport und Verkehr": ["TRAN"], "Umwelt und Klima": ["ENVI"], "Politik und Wahlen": ["GOVE"],
    "Kultur, Freizeit, Sport und Tourismus": ["EDUC"], "Infrastruktur, Bauen und Wohnen": ["REGI"],
    "Bevölkerung": ["SOCI"], "Verwaltung, Haushalt und Steuern": ["GOVE", "ECON"],
    "Geographie, Geologie und Geobasisdaten": ["REGI"], "Gesundheit": ["HEAL"],
    "Bildung und Wissenschaft": ["EDUC", "TECH"], "Wirtschaft und Arbeit": ["ECON"], "Soziales": ["SOCI"],
    "Verbraucher Schutz": ["SOCI"],
}
# DCAT-AP.de themes as the export names them (column DD Thema)
DD_THEMES = {"Verkehr": "TRAN", "Umwelt": "ENVI", "Regierung und öffentlicher Sektor": "GOVE",
             "Bevölkerung und Gesellschaft": "SOCI", "Regionen und Städte": "REGI", "Gesundheit": "HEAL",
             "Bildung, Kultur und Sport": "EDUC", "Energie": "ENER", "Wirtschaft und Finanzen": "ECON",
             "Wissenschaft und Technologie": "TECH", "Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel":
             "AGRI", "Justiz, Rechtssystem und öffentliche Sicherheit": "JUST", "Internationale Themen": "INTR"}

# HTML a description keeps before it becomes Markdown: structure and links, nothing active
KEPT_TAGS = {"p", "br", "a", "ul", "ol", "li", "strong", "b", "em", "i", "h1", "h2", "h3", "h4", "h5", "h6",
             "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td"}
LABELLED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*\(([^)]*)\)')
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def ckan_name(slug):
    """A valid CKAN name for an old slug: umlauts and ß transliterated (ä → ae, ß → ss),
    other accents dropped, anything but a-z, 0-9, - and _ turned into a hyphen."""
    text = (slug or "").strip().lower().translate(TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9_-]+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-_")
    return text[:NAME_MAX].rstrip("-_") or None


def unique_name(wanted, taken):
    """`wanted`, or with the smallest suffix -2, -3 … not in `taken` (old slugs that meet in one
    transliteration, as "strasse" and "straße" do)."""
    if wanted not in taken:
        return wanted
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = wanted[:NAME_MAX - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def markdown_of(html, text_format=""):
    """A description as Markdown: links, lists, paragraphs and emphasis kept, every script,
    style and event handler gone (nh3 sanitises first, markdownify converts)."""
    if not html or not html.strip():
        return ""
    text = html.replace("_x000D_", "").replace("\r\n", "\n")
    if text_format == "plain_text" and "<" not in text:
        return text.strip()
    cleaned = nh3.clean(text, tags=KEPT_TAGS, attributes={"a": {"href", "title"}},
                        url_schemes={"http", "https", "mailto"}, link_rel=None)
    markdown = markdownify.markdownify(cleaned, heading_style="ATX", bullets="-", strip=["span"])
    markdown = markdown.replace("\xa0", " ")
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


def labelled_values(cell):
    """`"Stadt Münster" (40612), "Umwelt" (194)` as [("Stadt Münster", "40612"), ("Umwelt", "194")]."""
    return [(label.replace('\\"', '"'), key) for label, key in LABELLED.findall(cell or "")]


def license_uri(text=None, dd_license=None):
    """The DCAT-AP.de licence of a licence text, or of the resource's `DD License` cell
    (`"dl-by-de/2.0" (281)`), which names it exactly; None where the licence is unsettled
    (`notspecified`, empty) or unknown."""
    for identifier, _key in labelled_values(dd_license):
        return LICENSES + identifier
    normal = re.sub(r"\s+", " ", (text or "").strip()).lower()
    if normal in UNSETTLED_LICENSES:
        return None
    found = LICENSE_TEXTS.get(normal)
    return LICENSES + found if found else None


def frequency_uri(repetition):
    """The EU frequency of an ISO 8601 repetition (`R/P1Y` → ANNUAL; `R/PT1S`, updated every
    second, → UPDATE_CONT); None for an empty or unknown one."""
    found = FREQUENCIES.get((repetition or "").strip().upper())
    return FREQUENCY + found if found else None


def themes(categories, dd_themes):
    """EU data themes from the old categories (`Tags`) and the DCAT-AP.de themes (`DD Thema`)."""
    found = []
    for label, _key in labelled_values(dd_themes):
        if label in DD_THEMES:
            found.append(DD_THEMES[label])
    for label, _key in labelled_values(categories):
        found.extend(CATEGORY_THEMES.get(label, []))
    return [DATA_THEME + code for code in dict.fromkeys(found)]


def publisher(groups):
    """(title, old group id) of the first publisher group, or None (3 datasets have none)."""
    values = labelled_values(groups)
    return values[0] if values else None


def keywords(cell):
    """Keywords (`Schlagworte`) as valid CKAN tags: 2–100 characters of letters, digits,
    spaces and - _ . (others become spaces)."""
    result = []
    for label, _key in labelled_values(cell):
        tag = re.sub(r"[^\w\s.-]", " ", label, flags=re.UNICODE)
        tag = re.sub(r"\s+", " ", tag).strip()[:100]
        if len(tag) >= 2 and tag not in result:
            result.append(tag)
    return result


def spatial(wkt):
    """A WKT `POLYGON ((x y, …))` as GeoJSON (the ring closed where the export left it open),
    None for anything else."""
    match = re.fullmatch(r"\s*POLYGON\s*\(\((.*)\)\)\s*", wkt or "", re.I | re.S)
    if not match:
        return None
    ring = []
    for pair in match.group(1).split(","):
        parts = pair.split()
        if len(parts) != 2:
            return None
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except ValueError:
            return None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None
        ring.append([lon, lat])
    if len(ring) < 3:
        return None
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    if len(ring) < 4:
        return None
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def date_of(timestamp):
    """`2024-11-11T17:17:35+01:00` as `2024-11-11` (issued/modified are dates in our schema)."""
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", timestamp or "")
    return match.group(1) if match else None


# -------------------------------------------------------------- services

SERVICE_TYPES = {"wfs": "WFS", "wms": "WMS"}
LAYER_PARAMETERS = {"WFS": ("typename", "typenames"), "WMS": ("layers", "layer")}


def service(format_cell, url):
    """A WFS or WMS link as what a GIS user needs, or None for a download:
    {type, endpoint (without request parameters), capabilities (GetCapabilities URL), layers}."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https"):
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    lowered = {key.lower(): value for key, value in query}
    kind = SERVICE_TYPES.get((format_cell or "").strip().lower()) or SERVICE_TYPES.get(
        lowered.get("service", "").strip().lower())
    if kind is None:
        return None
    kept = [(k, v) for k, v in query if k.lower() not in {
        "service", "request", "version", "typename", "typenames", "layers", "layer", "outputformat", "bbox",
        "srsname", "srs", "crs", "format", "width", "height", "styles", "maxfeatures", "count"}]
    endpoint = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))
    separator = "&" if kept else "?"
    layers = []
    for name in LAYER_PARAMETERS[kind]:
        layers += [layer.strip() for layer in lowered.get(name, "").split(",") if layer.strip()]
    return {"type": kind, "endpoint": endpoint,
            "capabilities": f"{endpoint}{separator}SERVICE={kind}&REQUEST=GetCapabilities",
            "layers": list(dict.fromkeys(layers))}


def link_broken(response_code):
    """Whether the old portal's last link check (`HTTP-Responsecode`) found the link broken."""
    code = str(response_code or "").strip()
    return bool(code) and code.isdigit() and int(code) >= 400
