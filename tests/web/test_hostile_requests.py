"""Hostile requests get a clear answer, never a 500: theme searches, contact e-mails, feed GeoJSON."""
import json

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.mark.parametrize("path", ["/handlungsfeld/mobilitaet-verkehr", "/projekt/leezenflow"])
@pytest.mark.parametrize("query", ["title:(", 'notes:"offen', "{!lucene}x:[1 TO"])
def test_an_unreadable_search_is_a_400_with_a_sentence(app, path, query):
    response = app.get(path, query_string={"q": query})
    assert response.status_code == 400
    assert "Die Suche konnte nicht verstanden werden" in response.body


@pytest.mark.parametrize("page", ["99999999999999", "1e9", "-5", "x" * 1000])
def test_absurd_page_numbers_are_clamped(app, page):
    assert app.get("/handlungsfeld/mobilitaet-verkehr", query_string={"page": page}).status_code == 200


def test_a_huge_contact_address_is_refused_with_a_message():
    org = factories.Organization()
    dataset = minimal_dataset(org["id"], contact_email="a@" + "b." * 10_000 + " ")
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]}, **dataset)
    assert "contact_email" in raised.value.error_dict


@pytest.fixture
def tables(clean_datastore):
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    made = {}
    for name, fields, records, private in [
        ("haltestellen", [{"id": "name", "type": "text"}, {"id": "lon", "type": "float"}, {"id": "lat", "type": "float"}],
         [{"name": "Dom", "lon": 7.62, "lat": 51.96}, {"name": "ohne Ort", "lon": None, "lat": None}], False),
        ("belegung", [{"id": "garage", "type": "text"}, {"id": "frei", "type": "int"}],
         [{"garage": "PH Theater", "frei": 12}], False),
        ("intern", [{"id": "lon", "type": "float"}, {"id": "lat", "type": "float"}],
         [{"lon": 7.6, "lat": 51.9}], True),
    ]:
        dataset = helpers.call_action("package_create", {"user": sysadmin["name"]},
                                      **minimal_dataset(org["id"], name=name, private=private))
        helpers.call_action("datastore_create", {"user": sysadmin["name"]}, resource_id=dataset["resources"][0]["id"],
                            fields=fields, records=records, force=True)
        made[name] = dataset["resources"][0]["id"]
    return made


def test_feed_geojson_serves_only_readable_tables_with_coordinates(app, tables):
    answer = app.get(f"/stadtwerke/geojson/{tables['haltestellen']}")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/geo+json")
    collection = json.loads(answer.body)
    assert collection["truncated"] is False
    assert [f["properties"]["name"] for f in collection["features"]] == ["Dom"]
    assert collection["features"][0]["geometry"] == {"type": "Point", "coordinates": [7.62, 51.96]}
    assert "max-age" in answer.headers["Cache-Control"]
    assert app.get(f"/stadtwerke/geojson/{tables['belegung']}").status_code == 404
    assert app.get(f"/stadtwerke/geojson/{tables['intern']}").status_code == 403
    assert app.get("/stadtwerke/geojson/gibt-es-nicht").status_code == 404
