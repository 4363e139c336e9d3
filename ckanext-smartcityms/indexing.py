"""What the search index gets from a dataset, and area searches.

List fields are stored as JSON strings; Solr gets real lists so that
`fq=handlungsfeld:<slug>` and facets work (solr/schema-additions.xml). The
centre of a dataset's geometry is indexed as location_lon/location_lat, so
`ext_bbox=west,south,east,north` (the parameter ckanext-spatial uses) finds
datasets in an area without a spatial extension.
"""
import json

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import reference

LIST_FIELDS = ("handlungsfeld", "projekt", "phenomena", "sensor_types")


def index_lists(pkg_dict):
    for field in LIST_FIELDS:
        value = pkg_dict.get(field)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        if value:
            pkg_dict[field] = _canonical(field, value if isinstance(value, list) else [value])
        else:
            pkg_dict.pop(field, None)
    themes = pkg_dict.get("theme")
    if isinstance(themes, str):
        try:
            themes = json.loads(themes)
        except ValueError:
            themes = [themes]
    if not themes:  # as in the DCAT output: derived from the Handlungsfelder
        themes = [theme for slug in pkg_dict.get("handlungsfeld") or []
                  for theme in (reference.handlungsfeld(slug) or {}).get("eu_themes", [])]
    if themes:  # EU data themes as their codes (TRAN, ENVI), the facet's values
        pkg_dict["data_theme"] = list(dict.fromkeys(str(t).rstrip("/").rsplit("/", 1)[-1] for t in themes))
    centre = _centre(pkg_dict.get("spatial"))
    if centre:
        pkg_dict["location_lon"], pkg_dict["location_lat"] = centre
    return pkg_dict


def _canonical(field, values):
    """Current slugs for Handlungsfelder and projects: a dataset saved before a
    rename is found under the new slug."""
    lookup = {"handlungsfeld": reference.handlungsfeld, "projekt": reference.projekt}.get(field)
    if lookup is None:
        return values
    return list(dict.fromkeys((lookup(v) or {}).get("slug", v) for v in values))


def _centre(geojson):
    try:
        geometry = json.loads(geojson) if isinstance(geojson, str) else None
        xs, ys = [], []

        def walk(node):
            if node and isinstance(node[0], (int, float)):
                xs.append(float(node[0]))
                ys.append(float(node[1]))
            else:
                for part in node:
                    walk(part)
        walk(geometry["coordinates"])
        return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    except (ValueError, TypeError, KeyError, IndexError):
        return None


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
