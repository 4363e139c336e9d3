"""Search by map with ckanext-spatial (spatial_query, solr-spatial-field
backend) on the real Solr: an area finds the datasets whose geometry touches
it (points, lines, polygons), the API parameter `ext_bbox` stays as it was,
an unreadable area is a sentence; and in Chromium the map, the keyboard way
(the area field) and the pointer way (drawing a rectangle) find the same
datasets, a dataset page shows its area, axe finds nothing and no request
leaves this portal while no tile service is configured.

The recorded senseBoxes of tests/harvesters/opensensemap (test_boxes_are_found_by_area)
are the data our own area search was tested with before; that test runs unchanged.
"""
import json
import os
import subprocess

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.browser import ROOT, SCREENSHOTS, LiveCKAN, chromium
from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
MAP_SEARCH = ROOT / "tests" / "a11y" / "map_search.mjs"

GEOMETRIES = {
    "messstelle-prinzipalmarkt": {"type": "Point", "coordinates": [7.6286, 51.9625]},
    "messstelle-koeln": {"type": "Point", "coordinates": [6.9583, 50.9413]},
    "stadtgebiet-muenster": {"type": "Polygon", "coordinates": [[
        [7.4736, 51.84], [7.7743, 51.84], [7.7743, 52.06], [7.4736, 52.06], [7.4736, 51.84]]]},
    "radweg-am-kanal": {"type": "LineString", "coordinates": [[7.640, 51.950], [7.655, 51.975], [7.665, 51.990]]},
}
INNER_CITY = "7.60,51.95,7.66,51.97"
NORTH_EAST_CORNER = "7.70,52.00,7.77,52.05"  # inside the city's polygon, no point, no line


@pytest.fixture
def places():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="stadt-muenster", image_url="")
    for name, geometry in GEOMETRIES.items():
        helpers.call_action("package_create", {"user": sysadmin["name"]}, **minimal_dataset(
            org["id"], name=name, title=name.replace("-", " ").title(), spatial=json.dumps(geometry)))
    helpers.call_action("package_create", {"user": sysadmin["name"]},
                        **minimal_dataset(org["id"], name="ohne-ort", title="Ohne Ort"))


def found(app, area):
    answer = app.get("/api/3/action/package_search", query_string={"ext_bbox": area, "rows": 50}, status=200)
    return {d["name"] for d in answer.json["result"]["results"]}


def test_an_area_finds_the_datasets_whose_geometry_touches_it(app, places):
    assert found(app, INNER_CITY) == {"messstelle-prinzipalmarkt", "stadtgebiet-muenster", "radweg-am-kanal"}
    assert found(app, "6.9,50.9,7.0,51.0") == {"messstelle-koeln"}
    # A polygon is found where it is, not only around its centre (our own search of before missed this).
    assert found(app, NORTH_EAST_CORNER) == {"stadtgebiet-muenster"}
    assert found(app, "0,0,1,1") == set()
    everything = app.get("/api/3/action/package_search", query_string={"rows": 50}).json["result"]
    assert everything["count"] == 5  # without an area, nothing is filtered


@pytest.mark.parametrize("area", ["Köln", "7.6,51.9", "7.7,51.9,7.6,52.0", "7.6,51.9,7.7,95"])
def test_an_unreadable_area_is_answered_with_a_sentence(app, places, area):
    answer = app.get("/api/3/action/package_search", query_string={"ext_bbox": area}, status=409).json
    assert "West,Süd,Ost,Nord" in answer["error"]["ext_bbox"][0]
    page = app.get("/dataset/", query_string={"ext_bbox": area}, status=400)
    assert "West,Süd,Ost,Nord" in page.body


@pytest.fixture
def portal():
    """`ckan run` at its own address: ckanext-spatial's map scripts are CKAN modules,
    which start only once CKAN's page script has loaded its translations from there."""
    server = LiveCKAN(tk.config["__file__"], own_site_url=True)
    yield server
    server.stop()


def test_a_map_search_by_keyboard_and_by_pointer_in_a_browser(places, portal):
    live_ckan = portal
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["node", str(MAP_SEARCH), live_ckan.url, INNER_CITY, "/dataset/stadtgebiet-muenster"],
                          capture_output=True, text=True, timeout=180, cwd=MAP_SEARCH.parent,
                          env=dict(os.environ, SCMS_CHROMIUM=chromium(), SCMS_SCREENSHOTS=str(SCREENSHOTS)))
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "error" not in result, result
    assert result["mapShown"] and result["searchAxe"] == [], result
    assert result["elsewhere"] == [], result  # no tile service configured: nothing from other servers
    # the second skip link leads past the sidebar's map and facets: a few Tabs to the area field
    assert result["secondSkipLink"] == "#dataset-search-form" and result["tabsToAreaField"] <= 5, result
    assert set(result["byKeyboard"]["datasets"]) == {
        "/dataset/messstelle-prinzipalmarkt", "/dataset/stadtgebiet-muenster", "/dataset/radweg-am-kanal"}, result
    assert result["dialogTexts"] == {"pencil": "Gebiet zeichnen", "title": "Bitte zeichnen Sie das Suchgebiet auf der Karte:",
                                     "apply": "Anwenden", "cancel": "Abbrechen"}, result
    # A drawn rectangle becomes the same parameter, and its results are what the API answers for it.
    drawn = result["drawnArea"]
    assert len(drawn.split(",")) == 4 and f"ext_bbox={drawn.replace(',', '%2C')}" in result["byPointer"]["url"], result
    with_api = {f"/dataset/{name}" for name in found_via_http(live_ckan.url, drawn)}
    assert set(result["byPointer"]["datasets"]) == with_api and with_api, result
    assert result["extentDrawn"] >= 1 and result["datasetAxe"] == [], result


def found_via_http(url, area):
    import requests
    answer = requests.get(url + "/api/3/action/package_search", params={"ext_bbox": area, "rows": 50}, timeout=30)
    return {d["name"] for d in answer.json()["result"]["results"]}
