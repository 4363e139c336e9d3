"""The schema's validators as functions: what they accept, store and refuse (no services)."""
import json

import pytest
from ckan.lib.navl.dictization_functions import Invalid

from ckanext.smartcityms.fields import keywords, validators as v

pytestmark = pytest.mark.fast


def test_every_validator_is_registered_under_its_own_name():
    registered = v.get_validators()
    assert registered["smartcityms_email"] is v.smartcityms_email
    assert set(registered) == {f.__name__ for f in v.VALIDATORS}
    assert all(name.startswith("smartcityms_") for name in registered)


def test_urls_and_emails():
    assert v.smartcityms_http_url(" https://example.org/a ") == "https://example.org/a"
    assert v.smartcityms_email("mailto:opendata@stadt-muenster.de") == "opendata@stadt-muenster.de"
    for bad in ("ftp://example.org", "https://", "https://exa mple.org", 42):
        with pytest.raises(Invalid):
            v.smartcityms_http_url(bad)
    for bad in ("kein", "a@b", "a b@c.de", "x" * 250 + "@b.de", "a\x00b@c.de", "a@c.de\x07"):
        with pytest.raises(Invalid):
            v.smartcityms_email(bad)


def test_urls_that_cannot_become_iris_are_refused_and_the_others_kept():
    # Braces, pipes and carets are percent-encoded on output (fields.iri): a tile template is a fine URL.
    for good in ("https://tile.example.org/{z}/{x}/{y}.png", "https://example.org/a?b=c|d^e",
                 "https://münster.de/straße", "http://[2001:db8::1]:8080/x"):
        assert v.smartcityms_http_url(good) == good
    for bad, reason in [("https://example.org/a\x00b", "control"), ("https://example.org/a\u0085b", "control"),
                        ("https://example.org/a b", "spaces"), ("https://exa{mple}.org/", "valid URL"),
                        ("https://example.org:port/", "valid URL"), ("https://" + "a" * 70 + ".de/", "valid URL"),
                        ("https://example.org/" + "x" * 5000, "longer than")]:
        with pytest.raises(Invalid, match=reason):
            v.smartcityms_http_url(bad)


def test_free_text_loses_only_the_controls_nothing_can_store():
    assert v.smartcityms_text("Aasee\x00-Monitoring\x07\tpH\r\nWert ‮🚲") == "Aasee-Monitoring\tpH\r\nWert ‮🚲"
    assert v.smartcityms_text_list(["Temperatur\x00", "Temperatur"]) == '["Temperatur"]'


def test_english_keywords_are_valid_ckan_tags():
    # Stock CKAN portals make every dcat:keyword a tag; one they refuse would lose the dataset there.
    assert json.loads(v.smartcityms_keyword_list("air quality, real time,  air quality")) == [
        "air quality", "real time"]
    assert json.loads(v.smartcityms_keyword_list(["PM2.5", "CO₂", "public_transport"])) == [
        "PM2.5", "CO₂", "public_transport"]
    for bad in (["a/b"], ["x"], ["y" * 101], "Kohlendioxid (CO2)", [f"k{i}" for i in range(101)], 42):
        with pytest.raises(Invalid):
            v.smartcityms_keyword_list(bad)


def test_titles_become_keywords():
    assert keywords.as_keyword("Kohlendioxid (CO₂)") == "Kohlendioxid CO₂"
    assert keywords.as_keyword("Feinstaub PM2,5") == "Feinstaub PM2.5"
    assert keywords.as_keyword("()") is None
    assert keywords.keywords(["Temperatur", "Temperatur ", "(x)"]) == ["Temperatur"]


def test_handlungsfelder_and_projects_are_stored_as_slugs():
    assert json.loads(v.smartcityms_handlungsfeld(["Mobilität", "mobilitaet-verkehr"])) == ["mobilitaet-verkehr"]
    assert v.smartcityms_projekt("") == "[]"
    with pytest.raises(Invalid, match="nicht|not"):
        v.smartcityms_handlungsfeld("Raumfahrt")


def test_geometries_are_checked_and_stored_compact():
    assert v.smartcityms_geojson_geometry('{"type": "Point", "coordinates": [7.6, 51.9]}') == \
        '{"type":"Point","coordinates":[7.6,51.9]}'
    for bad in ('{"type": "Point", "coordinates": [700, 51]}', '{"type": "Polygon", "coordinates": [[[7, 51], [8, 52]]]}',
                '{"type": "Circle"}', "kein json", '{"type": "Point", "coordinates": [NaN, 1]}'):
        with pytest.raises(Invalid):
            v.smartcityms_geojson_geometry(bad)


def test_dates_sizes_numbers_and_media_types():
    assert v.smartcityms_iso_date("2026-08-01") == "2026-08-01"
    assert v.smartcityms_byte_size("1024") == 1024
    assert v.smartcityms_positive_number("2,5") == 2.5
    assert v.smartcityms_media_type("Text/CSV") == "text/csv"
    for validator, bad in ((v.smartcityms_iso_date, "01.08.2026"), (v.smartcityms_byte_size, "-1"),
                           (v.smartcityms_positive_number, "1e999"), (v.smartcityms_media_type, "csv")):
        with pytest.raises(Invalid):
            validator(bad)


def test_list_fields_read_back_as_lists():
    assert v.smartcityms_json_list_output('["a", "b"]') == ["a", "b"]
    assert v.smartcityms_json_list_output(None) == []
    assert json.loads(v.smartcityms_uri_list("https://a.example, https://b.example")) == [
        "https://a.example", "https://b.example"]
