"""The strategy's reference data: Handlungsfelder (fields of action) and projects.

Read from schemas/reference/*.json. Handlungsfelder have the slugs of strategy
1.0; the beta strategy's names (Umwelt, Mobilität, Lebensart, Teilhabe,
Wirtschaft, Verwaltung) are aliases, so old links and harvested values still
resolve.
"""
import functools
import importlib.resources
import json
import unicodedata

REFERENCE_PACKAGE = "ckanext.smartcityms.schemas"


def _load(name):
    resource = importlib.resources.files(REFERENCE_PACKAGE).joinpath(f"reference/{name}.json")
    return json.loads(resource.read_text("utf-8"))


def _key(text):
    """Case-, accent- and spacing-insensitive lookup key ("Mobilität" == "mobilitaet")."""
    text = text.strip().casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(part for part in "".join(c if c.isalnum() else " " for c in text).split())


@functools.lru_cache(maxsize=None)
def handlungsfelder_data():
    return _load("handlungsfelder")


@functools.lru_cache(maxsize=None)
def projekte_data():
    return _load("projekte")


def handlungsfelder():
    return handlungsfelder_data()["handlungsfelder"]


def projekte():
    return projekte_data()["projekte"]


@functools.lru_cache(maxsize=None)
def _handlungsfeld_index():
    index = {}
    for field in handlungsfelder():
        for name in [field["slug"], *field["aliases"], *field["title"].values()]:
            index[_key(name)] = field
    return index


@functools.lru_cache(maxsize=None)
def _projekt_index():
    index = {}
    for project in projekte():
        for name in [project["slug"], *project["title"].values()]:
            index[_key(name)] = project
    return index


def handlungsfeld(value):
    """The Handlungsfeld for a slug, alias, title or concept URI, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _handlungsfeld_index().get(_key(value.rstrip("/").rsplit("/", 1)[-1]))


def projekt(value):
    if not isinstance(value, str) or not value.strip():
        return None
    return _projekt_index().get(_key(value.rstrip("/").rsplit("/", 1)[-1]))
