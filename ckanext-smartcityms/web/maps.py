"""Search by map and dataset extents (ckanext-spatial's widgets): the map
settings it reads, derived from our own tile option, and template helpers.

Nothing is loaded from other servers unless `ckanext.smartcityms.map_tile_url`
names a tile service: only then does ckanext-spatial get a base layer.
"""
import ckan.plugins.toolkit as tk

from ckanext.smartcityms.fields.geometry import stored_geometry_bounds
from ckanext.smartcityms.reference import geocoding

POINT_MARGIN = 0.01  # degrees around a point for "datasets in this area" (about 1 km)


def common_map_settings(config):
    """ckanext-spatial's base map options from ours, unless an operator set them."""
    tiles = config.get("ckanext.smartcityms.map_tile_url")
    if tiles and not config.get("ckanext.spatial.common_map.type"):
        config["ckanext.spatial.common_map.type"] = "custom"
        config["ckanext.spatial.common_map.custom_url"] = tiles
        config["ckanext.spatial.common_map.attribution"] = config.get("ckanext.smartcityms.map_attribution") or ""


def smartcityms_map_tiles_configured():
    return bool(tk.config.get("ckanext.spatial.common_map.type"))


def smartcityms_city_bbox():
    """(west, south, east, north) of the city: the search map's first view."""
    return geocoding.BBOX


def smartcityms_area_presets():
    west, south, east, north = geocoding.BBOX
    return [{"label": tk._("City of Münster"), "bbox": f"{west},{south},{east},{north}"}]


def smartcityms_bbox_of(geojson):
    """`ext_bbox` text around a stored geometry, or None if it cannot be read."""
    read = stored_geometry_bounds(geojson)
    if read is None:
        return None
    west, south, east, north = read[1]
    if (west, south) == (east, north):
        west, south, east, north = west - POINT_MARGIN, south - POINT_MARGIN, east + POINT_MARGIN, north + POINT_MARGIN
    return ",".join(f"{v:.6f}" for v in (west, south, east, north))


HELPERS = [smartcityms_map_tiles_configured, smartcityms_city_bbox, smartcityms_area_presets, smartcityms_bbox_of]
