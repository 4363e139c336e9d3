"""What Solr gets from a dataset: real lists, current slugs, EU themes, the geometry for ckanext-spatial; the area asked for."""
import json

import pytest

import ckan.plugins.toolkit as tk

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


def test_the_geometry_is_handed_to_ckanext_spatial_under_the_extras_name():
    geometry = json.dumps({"type": "Point", "coordinates": [7.6, 51.9]})
    assert indexing.index_lists({"spatial": geometry})["extras_spatial"] == geometry
    assert "extras_spatial" not in indexing.index_lists({})


@pytest.mark.parametrize("area", ["Köln", "7.5,51.8,7.8", "7.8,51.8,7.5,52.1", "7.5,51.8,7.8,95", "nan,1,2,3"])
def test_an_unreadable_area_is_a_validation_error_with_a_sentence(area):
    with pytest.raises(tk.ValidationError) as refused:
        indexing.check_bbox({"extras": {"ext_bbox": area}})
    assert "west,south,east,north" in str(refused.value.error_dict["ext_bbox"])


def test_a_readable_area_passes_unchanged():
    params = {"fq": "+type:dataset", "extras": {"ext_bbox": "7.5,51.8,7.8,52.1"}}
    assert indexing.check_bbox(dict(params)) == params
    assert indexing.check_bbox({"fq": "x"}) == {"fq": "x"}
