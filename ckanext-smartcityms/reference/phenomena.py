"""What sensors measure: the controlled list of phenomena with units and spellings.

schemas/reference/phenomena.json lists each phenomenon once (slug, German
and English title, unit) with the spellings seen on openSenseMap. The
harvester maps sensor titles onto it; search facets and sensor views show
its titles and units.
"""
import importlib.resources
import json
import re

from ckanext.smartcityms import cache


def _spelling_key(text):
    return re.sub(r"[\s._\-()]+", "", str(text).casefold().replace("₂", "2").replace("μ", "µ"))


@cache.shipped
def _index():
    data = json.loads(importlib.resources.files("ckanext.smartcityms.schemas")
                      .joinpath("reference/phenomena.json").read_text("utf-8"))
    index = {}
    for phenomenon in data["phenomena"]:
        for spelling in [phenomenon["slug"], *phenomenon["spellings"], *phenomenon["title"].values()]:
            key = _spelling_key(spelling)
            if index.get(key, phenomenon) is not phenomenon:
                raise ValueError(f"phenomena.json: {spelling!r} of {phenomenon['slug']} is "
                                 f"already a spelling of {index[key]['slug']}")
            index[key] = phenomenon
    return index


def phenomenon(title):
    """The controlled phenomenon for a slug, title or known spelling, or None."""
    return _index().get(_spelling_key(title or ""))
