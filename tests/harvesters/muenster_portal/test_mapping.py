"""The old portal's export mapped value by value: the untidy cases of the real
export (../shared/fixtures/muenster-portal/datensaetze.xlsx), each on its own,
and then every row of the export."""
import collections
import json

import openpyxl
import pytest

from ckanext.smartcityms.harvesters.muenster_portal import mapping
from tests.replay import shared_file

pytestmark = pytest.mark.fast
EXPORT = "fixtures/muenster-portal/datensaetze.xlsx"


@pytest.mark.parametrize("slug, name", [
    ("unfälle-im-regierungsbezirk-münster", "unfaelle-im-regierungsbezirk-muenster"),
    ("straßenbäume", "strassenbaeume"),
    ("bodenrichtwerte-2023-0", "bodenrichtwerte-2023-0"),
    ("Öffentliche WC-Anlagen (Münster)", "oeffentliche-wc-anlagen-muenster"),
    ("café--crème_", "cafe-creme"),
    ("x" * 150, "x" * 100),
    ("", None), ("äöü"[:0] + "!!!", None),
])
def test_old_slugs_become_valid_ckan_names(slug, name):
    assert mapping.ckan_name(slug) == name


def test_slugs_that_meet_in_one_transliteration_get_the_next_free_suffix():
    taken = {"strassen"}
    assert mapping.unique_name("strassen", taken) == "strassen-2"
    taken.add("strassen-2")
    assert mapping.unique_name("strassen", taken) == "strassen-3"
    assert len(mapping.unique_name("y" * 100, {"y" * 100})) == 100


def test_nested_html_becomes_markdown_with_links_lists_and_paragraphs():
    html = ('<p>Erster&nbsp;Absatz mit <a href="https://www.stadt-muenster.de/" onclick="evil()">Link</a>.<br />\n'
            'Zweite Zeile</p><ul><li>eins <strong>fett</strong></li><li>zwei<ul><li>innen</li></ul></li></ul>'
            '<script>alert(1)</script><style>p{}</style><p>Ende</p>_x000D_\n')
    markdown = mapping.markdown_of(html, "full_html")
    assert "[Link](https://www.stadt-muenster.de/)" in markdown
    assert "Erster Absatz" in markdown and "- eins **fett**" in markdown and "innen" in markdown
    assert "alert" not in markdown and "onclick" not in markdown and "p{}" not in markdown
    assert "_x000D_" not in markdown and "\n\nEnde" in markdown


def test_script_links_and_plain_text_descriptions():
    assert "javascript" not in mapping.markdown_of('<a href="javascript:alert(1)">x</a>')
    assert mapping.markdown_of("Nur Text.\nZweite Zeile.", "plain_text") == "Nur Text.\nZweite Zeile."
    assert mapping.markdown_of("", "html") == "" and mapping.markdown_of(None) == ""


@pytest.mark.parametrize("text, uri", [
    ("Datenlizenz Deutschland – Namensnennung – Version 2.0", "dl-by-de/2.0"),
    ("Datenlizenz Deutschland – Zero – Version 2.0", "dl-zero-de/2.0"),
    ("Creative Commons CC Zero License (cc-zero)", "cc-zero"),
    ("Open Data Commons Open Database License (ODbL)", "odbl"),
    ("Creative Commons Namensnennung 3.0 DE", "cc-by-de/3.0"),
    ("CC BY-SA 4.0", "cc-by-sa/4.0"), ("cc-by 4.0", "cc-by/4.0"), ("CC-BY-NC", "cc-by-nc"),
    ("notspecified", None), ("", None), (None, None), ("Irgendeine Lizenz", None),
])
def test_each_licence_text_of_the_export(text, uri):
    assert mapping.license_uri(text) == (mapping.LICENSES + uri if uri else None)


def test_a_resource_licence_cell_names_the_licence_exactly():
    assert mapping.license_uri("notspecified", '"officialWork" (292)') == mapping.LICENSES + "officialWork"


@pytest.mark.parametrize("repetition, code", [("R/P1Y", "ANNUAL"), ("R/PT1S", "UPDATE_CONT"), ("R/P1W", "WEEKLY"),
                                              ("r/p1d", "DAILY"), ("R/P1M", "MONTHLY"), ("", None), ("P1Y", None)])
def test_iso_repetitions_become_eu_frequencies(repetition, code):
    assert mapping.frequency_uri(repetition) == (mapping.FREQUENCY + code if code else None)


def test_categories_and_dd_themes_become_eu_data_themes():
    found = mapping.themes('"Geographie, Geologie und Geobasisdaten" (165), "Infrastruktur, Bauen und Wohnen" (47)',
                           '"Energie" (187), "Verkehr" (195)')
    assert found == [mapping.DATA_THEME + code for code in ("ENER", "TRAN", "REGI")]


def test_publisher_keywords_and_an_empty_contact():
    assert mapping.publisher('"Stadt Münster" (40612)') == ("Stadt Münster", "40612")
    assert mapping.publisher("") is None
    assert mapping.keywords('"Geo" (143), "Öffentlicher Nahverkehr!" (7), "x" (1)') == ["Geo", "Öffentlicher Nahverkehr"]


def test_a_coverage_polygon_becomes_a_closed_geojson_ring():
    wkt = ("POLYGON ((7.5290679931641 51.89293553285, 7.5290679931641 52.007625513725, "
           "7.7350616455078 52.007625513725, 7.7350616455078 51.89293553285))")
    ring = json.loads(mapping.spatial(wkt))["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1] == [7.5290679931641, 51.89293553285]
    assert mapping.spatial("POLYGON ((1 2, 3 4))") is None and mapping.spatial("POINT (7 51)") is None
    assert mapping.spatial("POLYGON ((700 2, 3 4, 5 6))") is None


def test_wfs_and_wms_links_are_services_with_their_capabilities_and_layers():
    wfs = mapping.service("wfs", "https://www.stadt-muenster.de/ms/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature"
                                 "&TYPENAMES=ms:bezirke&OUTPUTFORMAT=application/json&map=/x.map")
    assert wfs == {"type": "WFS", "endpoint": "https://www.stadt-muenster.de/ms/wfs?map=%2Fx.map",
                   "capabilities": "https://www.stadt-muenster.de/ms/wfs?map=%2Fx.map&SERVICE=WFS&REQUEST=GetCapabilities",
                   "layers": ["ms:bezirke"]}
    wms = mapping.service("", "https://geo.example/wms?service=WMS&request=GetMap&layers=a,b")
    assert wms["type"] == "WMS" and wms["layers"] == ["a", "b"] and wms["endpoint"] == "https://geo.example/wms"
    assert mapping.service("csv", "https://example.org/daten.csv") is None


def test_the_old_link_check_marks_broken_links():
    assert [mapping.link_broken(code) for code in ("200", "404", "403", "405", "", None)] == [
        False, True, True, True, False, False]


def export_rows():
    sheet = openpyxl.load_workbook(shared_file(EXPORT), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_every_row_of_the_real_export_maps_or_is_reported():
    rows = export_rows()
    datasets = [row for row in rows if row["Dataset-ID"]]
    assert len(datasets) == 204 and len([r for r in rows if r["Resource-ID"]]) == 938
    names = set()
    for row in datasets:
        names.add(mapping.unique_name(mapping.ckan_name(row["Dataset-Name"] or row["Title"]), names))
    assert len(names) == 204
    unsettled = [row for row in datasets if mapping.license_uri(row["License"]) is None]
    assert len(unsettled) == 15  # 11 "notspecified", 4 empty: not published as open data
    assert all(mapping.frequency_uri(row["Frequency"]) for row in datasets if row["Frequency"])
    assert sum(1 for row in datasets if mapping.spatial(row["Geographical Coverage Area"])) == 199
    services = collections.Counter(
        (mapping.service(row["Format"], row["Resource-Url"]) or {}).get("type") for row in rows if row["Resource-ID"])
    assert services["WFS"] >= 108 and services["WMS"] >= 43
    assert all(mapping.markdown_of(row["Description"], row["Textformat"]) or not row["Description"] for row in datasets)
