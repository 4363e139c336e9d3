"""Search facets of the portal and readable names for their values.

Solr facets on slugs (handlungsfeld, projekt, phenomena) and codes
(sensor_exposure); after a search the items get their German or English
names, so the search page and the API's `search_facets` show "Mobilität &
Verkehr", not "mobilitaet-verkehr".
"""
import ckan.plugins.toolkit as tk

from ckanext.smartcityms import strategy
from ckanext.smartcityms.reference import vocabularies
from ckanext.smartcityms.reference.phenomena import phenomenon

EXPOSURE = {"outdoor": {"de": "draußen", "en": "outdoor"}, "indoor": {"de": "drinnen", "en": "indoor"},
            "mobile": {"de": "mobil", "en": "mobile"}, "unknown": {"de": "unbekannt", "en": "unknown"}}


def add_facets(facets_dict):
    """Our facets first, then CKAN's (organization, tags, formats, licences)."""
    ours = {"handlungsfeld": tk._("Field of action"), "projekt": tk._("Project"),
            "data_theme": tk._("EU data theme"),
            "phenomena": tk._("Phenomenon"), "sensor_exposure": tk._("Exposure")}
    return {**ours, **facets_dict}


def _lang():
    try:
        return tk.h.lang() or "de"
    except (RuntimeError, TypeError, AttributeError):
        return tk.config.get("ckan.locale_default", "de")


def _name(field, value, lang):
    if field == "handlungsfeld":
        found = strategy.handlungsfeld(value)
        return found["title"].get(lang) if found else None
    if field == "projekt":
        found = strategy.projekt(value)
        return found["title"].get(lang) if found else None
    if field == "phenomena":
        found = phenomenon(value)
        return found["title"].get(lang) if found else None
    if field == "sensor_exposure":
        return EXPOSURE.get(value, {}).get(lang)
    if field == "data_theme":
        found = vocabularies.vocabulary("data-theme").get(value)
        return found["label"].get(lang) if found else None
    return None


def name_facet_items(search_results):
    lang = "en" if _lang() == "en" else "de"
    for field, facet in (search_results.get("search_facets") or {}).items():
        for item in facet.get("items", []):
            name = _name(field, item.get("name"), lang)
            if name:
                item["display_name"] = name
    return search_results


def showcase_facets(facets_dict):
    """The showcase list: by Handlungsfeld, project, keyword and organization."""
    return {"handlungsfeld": tk._("Field of action"), "projekt": tk._("Project"), "tags": tk._("Keywords"),
            **{k: v for k, v in facets_dict.items() if k == "organization"}}
