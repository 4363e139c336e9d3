"""The sensor chart in a real browser (headless Chromium), fed from 127.0.0.1."""
import datetime
import json

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.smartcityms.harvesters.opensensemap import mapping
from ckanext.smartcityms.harvesters.opensensemap.harvester import DEFAULTS
from ckanext.smartcityms.web.sensor_views import add_missing_views
from tests.browser import render
from tests.replay import Response, shared_file

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def recent_csv(count=96):
    now = datetime.datetime.now(datetime.timezone.utc)
    rows = ["createdAt,value"] + [
        f"{(now - datetime.timedelta(minutes=30 * i)).isoformat().replace('+00:00', 'Z')},{10 + i % 7}.5"
        for i in range(count)]
    return "\n".join(rows)


def test_chart_draws_the_last_48_hours_read_through_the_portal(live_ckan, replay_server):
    """The visitor's browser talks only to the portal (the page's policy says connect-src 'self');
    the portal asks the resource's own URL, once a minute however many visitors come."""
    box = json.loads(shared_file("fixtures/opensensemap/box_57000b8745fd40c8196ad04c_apidoc_example.json")
                     .read_text("utf-8"))
    config = dict(DEFAULTS, api_url=replay_server.base_url)
    dataset, _unknown, _notes = mapping.dataset_for_box(box, config, datetime.datetime.now(datetime.timezone.utc))
    dataset["owner_org"] = factories.Organization()["id"]
    dataset = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]}, **dataset)
    add_missing_views(dataset)  # as the harvester does after writing the dataset
    model.Session.commit()
    sensor = next(r for r in dataset["resources"] if r.get("phenomenon") == "temperatur")
    path = sensor["url"][len(replay_server.base_url):]
    replay_server.routes[path] = Response(recent_csv(), content_type="text/csv")
    view = next(v for v in helpers.call_action("resource_view_list", id=sensor["id"])
                if v["view_type"] == "smartcityms_sensor_chart")

    page = f"{live_ckan.url}/dataset/{dataset['name']}/resource/{sensor['id']}/view/{view['id']}"
    for _visitor in range(2):
        dom = render(page, screenshot_name="sensor-chart.png")
        assert "<polyline" in dom, dom[-2000:]
        assert "96 Messwerte von" in dom and "niedrigster 10,5 °C" in dom and "höchster 16,5 °C" in dom
        assert dom.count("<tr><td>") == 24
    assert [r for r in replay_server.requests if path in r] == [replay_server.requests[-1]]
