"""List fields and geometries, read the same way wherever a dataset dict comes from."""

import pytest

from ckanext.smartcityms.fields import geometry
from ckanext.smartcityms.fields.lists import as_list, as_text_list

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("value, expected", [
    (["a", "b"], ["a", "b"]),
    (("a",), ["a"]),
    ('["umwelt-energie-klima", "mobilitaet-verkehr"]', ["umwelt-energie-klima", "mobilitaet-verkehr"]),
    ("sensebox", ["sensebox"]),
    ("[kein JSON", ["[kein JSON"]),
    ('["x"', ['["x"']),
    (None, []),
    ("", []),
    ([], []),
    ('"einzeln"', ['"einzeln"']),
])
def test_every_form_of_a_list_field_reads_as_a_list(value, expected):
    assert as_list(value) == expected


def test_text_lists_drop_empty_items_and_read_numbers_as_text():
    assert as_text_list(["a", "", None, 3]) == ["a", "3"]
    assert as_text_list('["a", null, ""]') == ["a"]


def test_wkt_and_bounding_box():
    assert geometry.to_wkt({"type": "Point", "coordinates": [7.62, 51.96]}) == "POINT (7.62 51.96)"
    line = {"type": "LineString", "coordinates": [[7, 51], [8, 52, 3]]}
    assert geometry.to_wkt(line) == "LINESTRING (7 51, 8 52)"
    multi = {"type": "MultiPolygon", "coordinates": [[[[7, 51], [8, 51], [8, 52], [7, 51]]]]}
    assert geometry.to_wkt(multi) == "MULTIPOLYGON (((7 51, 8 51, 8 52, 7 51)))"
    assert geometry.bbox_wkt(multi) == "POLYGON ((7 51, 8 51, 8 52, 7 52, 7 51))"
    with pytest.raises(KeyError):
        geometry.to_wkt({"type": "GeometryCollection", "coordinates": []})
