"""What the search index gets from a dataset, and the area a search asks for.

List fields are stored as JSON strings; Solr gets real lists so that
`fq=handlungsfeld:<slug>` and facets work (solr/schema-additions.xml). The
names of its Handlungsfelder and projects are indexed in both languages.

Areas are ckanext-spatial's: its spatial_query plugin indexes a dataset's
geometry (spatial_geom) and turns `ext_bbox=west,south,east,north` into an
intersection filter. It reads the geometry from the `spatial` extra, which
ckanext-scheming keeps as a field of its own, so the geometry is handed over
under the extra's name here; and an unreadable `ext_bbox` is answered with
a sentence before it reaches ckanext-spatial (which would raise a 500).
"""
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchQueryError

from ckanext.smartcityms import strategy
from ckanext.smartcityms.fields.lists import as_list
from ckanext.smartcityms.strategy import themes as strategy_themes

LIST_FIELDS = ("handlungsfeld", "projekt", "phenomena", "sensor_types", "uses_datasets", "keywords_en")


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
    if pkg_dict.get("spatial") and not pkg_dict.get("extras_spatial"):
        pkg_dict["extras_spatial"] = pkg_dict["spatial"]
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


class UnreadableArea(tk.ValidationError, SearchQueryError):
    """An `ext_bbox` that is no area: the Action API answers it as a validation
    error of the field (409), CKAN's search pages as a rejected query (400),
    both with the sentence."""

    def __init__(self):
        super().__init__({"ext_bbox": [tk._("Give the area as west,south,east,north in degrees")]})

    def __str__(self):
        return self.error_dict["ext_bbox"][0]


def check_bbox(search_params):
    """`ext_bbox` must be west,south,east,north in degrees; ckanext-spatial filters by it."""
    text = (search_params.get("extras") or {}).get("ext_bbox")
    if not text:
        return search_params
    try:
        west, south, east, north = (float(v) for v in str(text).split(","))
    except ValueError:
        raise UnreadableArea()
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise UnreadableArea()
    return search_params
