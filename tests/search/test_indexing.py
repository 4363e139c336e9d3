"""What Solr gets from a dataset: real lists, current slugs, EU themes, the geometry's centre."""
import json

import pytest

from ckanext.smartcityms.search import indexing

pytestmark = pytest.mark.fast


def test_list_fields_are_indexed_as_lists_of_current_slugs():
    indexed = indexing.index_lists({
        "handlungsfeld": '["Mobilität", "umwelt-energie-klima"]', "projekt": "leezenflow",
        "phenomena": ["temperatur"], "sensor_types": ""})
    assert indexed["handlungsfeld"] == ["mobilitaet-verkehr", "umwelt-energie-klima"]
    assert indexed["projekt"] == ["leezenflow"]
    assert indexed["phenomena"] == ["temperatur"]
    assert "sensor_types" not in indexed


def test_eu_themes_are_the_datasets_own_or_those_of_its_handlungsfelder():
    own = indexing.index_lists({"theme": '["http://publications.europa.eu/resource/authority/data-theme/ENVI"]',
                                "handlungsfeld": ["mobilitaet-verkehr"]})
    assert own["data_theme"] == ["ENVI"]
    derived = indexing.index_lists({"handlungsfeld": ["mobilitaet-verkehr"]})
    assert "TRAN" in derived["data_theme"]
    assert "data_theme" not in indexing.index_lists({})


def test_the_centre_of_the_geometry_is_indexed_and_a_broken_one_is_skipped():
    point = indexing.index_lists({"spatial": json.dumps({"type": "Point", "coordinates": [7.6, 51.9]})})
    assert (point["location_lon"], point["location_lat"]) == (7.6, 51.9)
    broken = indexing.index_lists({"spatial": '{"type": "Point", "coordinates": "7.6,51.9"}'})
    assert "location_lon" not in broken


def test_an_area_becomes_a_filter_on_the_centres():
    params = indexing.bbox_filter({"fq": "+type:dataset", "extras": {"ext_bbox": "7.5,51.8,7.8,52.1"}})
    assert params["fq"] == "+type:dataset +(location_lon:[7.5 TO 7.8] AND location_lat:[51.8 TO 52.1])"
    assert indexing.bbox_filter({"fq": "x"}) == {"fq": "x"}
