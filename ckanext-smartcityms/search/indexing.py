"""What the search index gets from a dataset, and area searches.

List fields are stored as JSON strings; Solr gets real lists so that
`fq=handlungsfeld:<slug>` and facets work (solr/schema-additions.xml). The
names of its Handlungsfelder and projects are indexed in both languages. The
centre of a dataset's geometry is indexed as location_lon/location_lat, so
`ext_bbox=west,south,east,north` (the parameter ckanext-spatial uses) finds
datasets in an area without a spatial extension.
"""
import ckan.plugins.toolkit as tk

from ckanext.smartcityms import strategy
from ckanext.smartcityms.fields.geometry import centre
from ckanext.smartcityms.fields.lists import as_list
from ckanext.smartcityms.strategy import themes as strategy_themes

LIST_FIELDS = ("handlungsfeld", "projekt", "phenomena", "sensor_types", "uses_datasets")


def index_lists(pkg_dict):
    for field in LIST_FIELDS:
        values = as_list(pkg_dict.get(field))
        if values:
            pkg_dict[field] = _canonical(field, values)
        else:
            pkg_dict.pop(field, None)
    # As in the DCAT output: without EU themes of its own, those of its Handlungsfelder.
    themes = as_list(pkg_dict.get("theme")) or strategy_themes.eu_theme_codes(pkg_dict.get("handlungsfeld"))
    if themes:  # EU data themes as their codes (TRAN, ENVI), the facet's values
        pkg_dict["data_theme"] = list(dict.fromkeys(str(t).rstrip("/").rsplit("/", 1)[-1] for t in themes))
    labels = strategy_labels(pkg_dict)
    if labels:
        pkg_dict["strategy_labels"] = labels
    middle = centre(pkg_dict.get("spatial"))
    if middle:
        pkg_dict["location_lon"], pkg_dict["location_lat"] = middle
    return pkg_dict


def _canonical(field, values):
    """Current slugs for Handlungsfelder and projects: a dataset saved before a
    rename is found under the new slug."""
    lookup = {"handlungsfeld": strategy.handlungsfeld, "projekt": strategy.projekt}.get(field)
    if lookup is None:
        return values
    return list(dict.fromkeys((lookup(v) or {}).get("slug", v) for v in values))


def strategy_labels(pkg_dict):
    """German and English names of the dataset's Handlungsfelder and projects,
    so "Klima" or "Aasee monitoring" find the datasets filed under them."""
    labels = []
    for field, lookup in (("handlungsfeld", strategy.handlungsfeld), ("projekt", strategy.projekt)):
        for slug in pkg_dict.get(field) or ():
            entry = lookup(slug) or {}
            title = entry.get("title")
            if isinstance(title, dict):
                labels.extend(v for v in title.values() if v)
    return list(dict.fromkeys(labels))


def bbox_filter(search_params):
    """`ext_bbox=west,south,east,north` -> a Solr filter on the indexed centres."""
    extras = search_params.get("extras") or {}
    text = extras.get("ext_bbox")
    if not text:
        return search_params
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise tk.ValidationError({"ext_bbox": [tk._("Give the area as west,south,east,north in degrees")]})
    if not (west <= east and south <= north):
        raise tk.ValidationError({"ext_bbox": [tk._("Give the area as west,south,east,north in degrees")]})
    area = f"location_lon:[{west} TO {east}] AND location_lat:[{south} TO {north}]"
    search_params["fq"] = f"{search_params.get('fq') or ''} +({area})".strip()
    return search_params
