"""The map settings ckanext-spatial gets, and area texts for links (pure)."""
import json

import pytest

from ckanext.smartcityms.web import maps

pytestmark = pytest.mark.fast


def test_no_tile_service_unless_configured():
    config = {}
    maps.common_map_settings(config)
    assert config == {}


def test_our_tile_option_becomes_ckanext_spatials_custom_layer():
    config = {"ckanext.smartcityms.map_tile_url": "https://tiles.example.org/{z}/{x}/{y}.png",
              "ckanext.smartcityms.map_attribution": "© Beispiel"}
    maps.common_map_settings(config)
    assert config["ckanext.spatial.common_map.type"] == "custom"
    assert config["ckanext.spatial.common_map.custom_url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config["ckanext.spatial.common_map.attribution"] == "© Beispiel"


def test_an_operators_own_ckanext_spatial_setting_stays():
    config = {"ckanext.smartcityms.map_tile_url": "https://tiles.example.org/{z}/{x}/{y}.png",
              "ckanext.spatial.common_map.type": "wms"}
    maps.common_map_settings(config)
    assert config["ckanext.spatial.common_map.type"] == "wms" and "ckanext.spatial.common_map.custom_url" not in config


def test_the_area_around_a_geometry():
    point = json.dumps({"type": "Point", "coordinates": [7.6, 51.9]})
    assert maps.smartcityms_bbox_of(point) == "7.590000,51.890000,7.610000,51.910000"
    line = {"type": "LineString", "coordinates": [[7.6, 51.9], [7.7, 52.0]]}
    assert maps.smartcityms_bbox_of(line) == "7.600000,51.900000,7.700000,52.000000"
    assert maps.smartcityms_bbox_of("kein json") is None and maps.smartcityms_bbox_of(None) is None
