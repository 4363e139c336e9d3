"""For developers: the OpenAPI description (checked by openapi-spec-validator,
and every operation called on the portal with its answer checked against the
description by openapi-schema-validator), the quick-start page and the
"Use this data" panel, with real datasets of the portal."""
import copy
import re

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "fresh_limits")


def resolved(node, document):
    """`node` with every local $ref replaced by what it points at (the description has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return resolved(target, document)
        return {k: resolved(v, document) for k, v in node.items()}
    if isinstance(node, list):
        return [resolved(v, document) for v in node]
    return node


@pytest.fixture
def portal():
    context = {"user": factories.Sysadmin()["name"]}
    dataset = helpers.call_action("package_create", dict(context), **minimal_dataset(
        factories.Organization(name="stadt-muenster")["id"], name="parkhaeuser", title="Parkhäuser: Belegung"))
    resource = dataset["resources"][0]
    helpers.call_action("datastore_create", dict(context), resource_id=resource["id"], force=True,
                        fields=[{"id": "name", "type": "text"}, {"id": "frei", "type": "int"}],
                        records=[{"name": "Parkhaus Theater", "frei": 120}, {"name": "Bahnhof", "frei": 7}])
    return {"dataset": dataset, "resource": resource}


def test_the_description_is_valid_openapi_3_1_with_this_portal_as_server(app):
    description = app.get("/api/openapi.json", status=200).json
    validate_spec(description)
    assert description["openapi"].startswith("3.1")
    assert description["servers"] == [{"url": tk.config["ckan.site_url"].rstrip("/") + "/api/3/action"}]
    wanted = {"package_search", "package_show", "organization_list", "datastore_search",
              "datastore_search_sql", "smartcityms_dataset_suggest", "smartcityms_quality_show",
              "smartcityms_download_status", "smartcityms_download_request", "smartcityms_catalogue_dump_status",
              "smartcityms_data_request_list", "smartcityms_data_request_show", "smartcityms_data_request_create"}
    assert {op["operationId"] for item in description["paths"].values() for op in item.values()} == wanted | {
        name + "_post" for name in wanted if name not in {"smartcityms_download_request", "smartcityms_data_request_create"}}


def test_every_operation_answers_as_described(app, portal):
    description = app.get("/api/openapi.json").json
    resource_id = portal["resource"]["id"]
    wish = helpers.call_action("smartcityms_data_request_create", {"user": ""}, title="Baumkataster",
                               description="Alle Straßenbäume mit Art und Standort.", intended_use="Schattenkarte")
    calls = {
        "package_search": {"q": "Parkhäuser", "fq": "handlungsfeld:mobilitaet-verkehr"},
        "package_show": {"id": "parkhaeuser"},
        "organization_list": {"all_fields": True},
        "datastore_search": {"resource_id": resource_id, "q": "Parkhaus", "limit": 5},
        "datastore_search_sql": {"sql": f'SELECT name, frei FROM "{resource_id}" ORDER BY frei'},
        "smartcityms_dataset_suggest": {"q": "parkh"},
        "smartcityms_quality_show": {"id": "parkhaeuser"},
        "smartcityms_download_status": {"kind": "dataset", "id": "parkhaeuser"},
        "smartcityms_download_request": {"kind": "dataset", "id": "parkhaeuser"},
        "smartcityms_catalogue_dump_status": {},
        "smartcityms_data_request_list": {"status": "open", "limit": 5},
        "smartcityms_data_request_show": {"id": wish["id"]},
        "smartcityms_data_request_create": {"title": "Lärmkarte", "description": "Lärmpegel an Hauptstraßen, stündlich.",
                                            "intended_use": "Ruhige Routen finden"},
    }
    for path, item in description["paths"].items():
        for method, operation in item.items():
            params = calls[operation["operationId"].removesuffix("_post")]
            if method == "get":
                required = {p["name"] for p in operation.get("parameters", []) if p.get("required")}
                assert required <= set(params), operation["operationId"]
                as_text = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items()}
                answer = app.get("/api/3/action" + path, query_string=as_text, status=200)
            else:
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                assert set(body.get("required", [])) <= set(params), operation["operationId"]
                answer = app.post("/api/3/action" + path, json=params, status=200)
            schema = resolved(operation["responses"]["200"]["content"]["application/json"]["schema"], description)
            errors = [e.message for e in OAS31Validator(schema).iter_errors(answer.json)]
            assert errors == [], (operation["operationId"], errors)
    # and an error answers as the description's Failure
    failure = resolved(description["components"]["schemas"]["Failure"], description)
    answer = app.get("/api/3/action/package_show", query_string={"id": "gibt-es-nicht"}, status=404)
    assert list(OAS31Validator(failure).iter_errors(answer.json)) == []


def test_the_developer_page_uses_real_ids_of_the_portal_in_both_languages(app, portal):
    german = app.get("/entwickler", status=200).body
    assert "Für Entwickler:innen" in german
    assert "package_show?id=parkhaeuser" in german
    assert f"resource_id={portal['resource']['id']}" in german
    assert "from ckanapi import RemoteCKAN" in german and "await fetch(" in german
    assert "/catalog.ttl" in german and "feed.atom" in german and "Keine offenen Daten" in german
    english = app.get("/en/entwickler", status=200).body
    assert "For developers" in english and "package_show?id=parkhaeuser" in english
    # the feed the page names exists
    app.get("/feeds/dataset.atom", status=200)
    app.get("/handlungsfeld/mobilitaet-verkehr/feed.atom", status=200)


def test_every_dataset_page_has_a_use_this_data_panel_for_its_resources(app, portal):
    page = app.get("/dataset/parkhaeuser", status=200).body
    assert "Daten nutzen" in page
    resource_id = portal["resource"]["id"]
    assert f"datastore_search?resource_id={resource_id}&amp;limit=5" in page
    assert f"/datastore/dump/{resource_id}" in page
    assert re.search(r"curl '[^']*/api/3/action/package_show\?id=parkhaeuser'", page)
    assert "Use this data" in app.get("/en/dataset/parkhaeuser").body


def test_the_snippets_are_escaped(app):
    context = {"user": factories.Sysadmin()["name"]}
    hostile = minimal_dataset(factories.Organization()["id"], name="boese")
    hostile["resources"][0]["url"] = "https://example.org/a.csv?x=<script>alert(1)</script>"
    helpers.call_action("package_create", dict(context), **copy.deepcopy(hostile))
    page = app.get("/dataset/boese").body
    assert "<script>alert(1)</script>" not in page


def test_sql_search_is_read_only(app, portal):
    resource_id = portal["resource"]["id"]
    for sql in (f'DELETE FROM "{resource_id}"', f'DROP TABLE "{resource_id}"',
                f'SELECT 1; DELETE FROM "{resource_id}"'):
        answer = app.get("/api/3/action/datastore_search_sql", query_string={"sql": sql})
        assert answer.status_code in (400, 403, 409), (sql, answer.status_code)
        assert answer.json["success"] is False
    rows = helpers.call_action("datastore_search", resource_id=resource_id)["records"]
    assert len(rows) == 2


def test_the_api_explorer_has_a_working_form_for_every_operation(app, portal):
    page = app.get("/entwickler/api", status=200).body
    forms = re.findall(r'<form method="get" action="([^"]+)"(.*?)</form>', page, re.S)
    assert len(forms) == sum("get" in item for item in app.get("/api/openapi.json").json["paths"].values())
    for action, body in forms:
        if not action.endswith(("/package_show", "/datastore_search")):
            continue
        # the browser sends the form's fields as they are filled in
        fields = dict(re.findall(r'<input id="[^"]+" name="([^"]+)"[^>]*value="([^"]*)"', body))
        query = {k: v for k, v in fields.items() if v}
        assert app.get(action, query_string=query, status=200).json["success"] is True
    assert "<script" not in page.split("<article", 1)[1].split("</article>", 1)[0]
