"""Chart and map views of sensor datasets."""
import datetime
import json

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.smartcityms.harvesters.opensensemap import mapping
from ckanext.smartcityms.harvesters.opensensemap.harvester import DEFAULTS
from ckanext.smartcityms.web.sensor_views import add_missing_views, tiles_around
from tests.replay import shared_file

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def box_dataset():
    box = json.loads(shared_file("fixtures/opensensemap/box_57000b8745fd40c8196ad04c_apidoc_example.json")
                     .read_text("utf-8"))
    config = dict(DEFAULTS, handlungsfeld=["umwelt-energie-klima"], projekt=["sensebox"])
    dataset, _unknown, _notes = mapping.dataset_for_box(box, config, datetime.datetime.now(datetime.timezone.utc))
    dataset["owner_org"] = factories.Organization()["id"]
    created = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]}, **dataset)
    add_missing_views(created)  # as the harvester does after writing the dataset
    model.Session.commit()
    return created


def views_of(resource):
    return {v["view_type"]: v for v in helpers.call_action("resource_view_list", id=resource["id"])}


def test_sensor_csv_resources_get_a_chart_reading_their_own_url_through_the_portal(app, box_dataset):
    sensor_csv = next(r for r in box_dataset["resources"] if r.get("sensor_id"))
    view = views_of(sensor_csv)["smartcityms_sensor_chart"]
    page = app.get(f"/dataset/{box_dataset['id']}/resource/{sensor_csv['id']}/view/{view['id']}")
    assert page.status_code == 200
    assert f'data-url="/sensor-measurements/{sensor_csv["id"]}"' in page.body
    assert sensor_csv["url"] not in page.body.replace("&amp;", "&").split("<noscript>")[0]
    assert "sensor_chart.js" in page.body
    assert 'role="img"' in page.body and "<table>" in page.body  # text alternative for screen readers
    box_json = box_dataset["resources"][0]
    assert "smartcityms_sensor_chart" not in views_of(box_json)


def test_location_view_loads_nothing_from_elsewhere_by_default(app, box_dataset):
    box_json = box_dataset["resources"][0]
    view = views_of(box_json)["smartcityms_sensor_map"]
    page = app.get(f"/dataset/{box_dataset['id']}/resource/{box_json['id']}/view/{view['id']}")
    assert "Die Box steht bei Länge 7.64568, Breite 51.962372 (WGS 84)." in page.body
    assert "<img" not in page.body


@pytest.mark.ckan_config("ckanext.smartcityms.map_tile_url", "https://tiles.example.org/{z}/{x}/{y}.png")
def test_location_view_with_configured_tiles(app, box_dataset):
    box_json = box_dataset["resources"][0]
    view = views_of(box_json)["smartcityms_sensor_map"]
    page = app.get(f"/dataset/{box_dataset['id']}/resource/{box_json['id']}/view/{view['id']}")
    assert page.body.count('<img src="https://tiles.example.org/16/') == 9
    assert "smartcityms-map-marker" in page.body


def test_marker_lies_in_the_middle_tile():
    tiles, (left, top) = tiles_around(7.64568, 51.962372)
    assert len(tiles) == 9 and 256 <= left < 512 and 256 <= top < 512
    assert tiles[4] == (34159, 21658)  # slippy-map tile of Münster's Oststraße at zoom 16


def test_the_measurements_endpoint_is_no_open_proxy(app, box_dataset):
    """Only a readable sensor CSV's own URL: other resources, unknown ids and private datasets are refused."""
    box_json = box_dataset["resources"][0]
    assert app.get(f"/sensor-measurements/{box_json['id']}").status_code == 404
    assert app.get("/sensor-measurements/" + "x" * 5000).status_code == 404
    sensor_csv = next(r for r in box_dataset["resources"] if r.get("sensor_id"))
    helpers.call_action("package_patch", {"user": factories.Sysadmin()["name"]}, id=box_dataset["id"], private=True)
    assert app.get(f"/sensor-measurements/{sensor_csv['id']}").status_code == 403
