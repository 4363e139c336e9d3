"""Single requests that answered 500, leaked or ran long in issue 28's probe
(findings 6, 7 and 9): each gets a clear 4xx answer, or nothing it may not see."""
import json

import pytest

from ckan.tests import factories, helpers

from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.mark.parametrize("path", ["/dataset/", "/showcase/", "/organization/", "/en/dataset/"])
@pytest.mark.parametrize("query", ["{!func}x", "{!lucene}title:(", "title:(", "{!join from=id to=id}x"])
def test_a_solr_local_parameter_or_broken_query_is_never_a_500(app, path, query):
    response = app.get(path, query_string={"q": query})
    assert response.status_code in (200, 400), (path, query, response.status_code)


def test_a_search_on_an_organization_page_is_never_a_500(app):
    org = factories.Organization()
    response = app.get(f"/organization/{org['name']}", query_string={"q": "{!func}x"})
    assert response.status_code in (200, 400)


def test_a_deeply_nested_json_body_is_a_400(app):
    body = "[" * 1000 + "]" * 1000
    response = app.post("/api/3/action/package_search", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["success"] is False


@pytest.mark.parametrize("came_from", ["\\\\evil.example", "\\/evil.example", "//evil.example", "https://evil.example/",
                                       "/\\evil.example", "javascript:alert(1)"])
@pytest.mark.parametrize("path", ["/user/login", "/user/_logout"])
def test_a_hostile_came_from_is_neither_a_500_nor_followed(app, path, came_from):
    response = app.get(path, query_string={"came_from": came_from}, follow_redirects=False)
    assert response.status_code in (200, 302, 303), response.status_code
    assert "evil.example" not in response.headers.get("Location", "")


def test_harvest_job_list_without_a_source_is_a_clear_error(app):
    sysadmin = factories.SysadminWithToken()
    response = app.get("/api/3/action/harvest_job_list", headers={"Authorization": sysadmin["token"]})
    assert response.status_code in (200, 400, 409), response.status_code


def test_a_100_kb_title_is_refused_with_a_message():
    org = factories.Organization()
    with pytest.raises(helpers.logic.ValidationError) as raised:
        helpers.call_action("package_create", **minimal_dataset(org["id"], title="T" * 100_000))
    assert "title" in raised.value.error_dict


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>",
                                 "vbscript:msgbox", "file:///etc/passwd"])
def test_a_resource_url_with_a_script_or_local_scheme_is_refused(url):
    org = factories.Organization()
    dataset = minimal_dataset(org["id"])
    dataset["resources"][0]["url"] = url
    with pytest.raises(helpers.logic.ValidationError) as raised:
        helpers.call_action("package_create", **dataset)
    assert "resources" in raised.value.error_dict


def test_the_anonymous_api_does_not_list_private_datasets_as_group_members(app):
    org = factories.Organization()
    private = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                                  **minimal_dataset(org["id"], name="geheim", private=True))
    answer = app.get("/api/3/action/member_list", query_string={"id": org["id"], "object_type": "package"})
    assert private["id"] not in json.dumps(answer.json)


def test_the_anonymous_api_does_not_show_harvest_source_urls_and_configuration(app):
    from ckanext.smartcityms.harvesters.opensensemap.harvester import DEFAULTS  # noqa: F401 (the type's plugin)
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    helpers.call_action("harvest_source_create", {"user": sysadmin["name"]}, name="intern", title="Intern",
                        url="https://intern.example/api?token=GEHEIM", source_type="opensensemap",
                        owner_org=org["id"], config=json.dumps({"handlungsfeld": ["umwelt-energie-klima"]}))
    answer = app.get("/api/3/action/harvest_source_list")
    assert "GEHEIM" not in json.dumps(answer.json)
    shown = app.get("/api/3/action/harvest_source_show", query_string={"id": "intern"})
    assert "GEHEIM" not in json.dumps(shown.json)


@pytest.mark.ckan_config("ckanext.smartcityms.sql_search_timeout_ms", 1000)
def test_an_expensive_anonymous_sql_query_is_stopped_quickly(app):
    import time
    started = time.monotonic()
    answer = app.get("/api/3/action/datastore_search_sql",
                     query_string={"sql": "SELECT count(*) FROM generate_series(1, 300000000)"})
    assert answer.status_code in (400, 403, 409), answer.status_code
    assert time.monotonic() - started < 2.5
    assert "too long" in answer.body


@pytest.fixture
def table(clean_datastore):
    org = factories.Organization()
    dataset = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                                  **minimal_dataset(org["id"], name="tabelle"))
    resource_id = dataset["resources"][0]["id"]
    helpers.call_action("datastore_create", {"user": factories.Sysadmin()["name"]}, resource_id=resource_id, force=True,
                        fields=[{"id": "wert", "type": "int"}], records=[{"wert": 1}, {"wert": 2}])
    return resource_id


@pytest.mark.parametrize("query", [{"limit": "null"}, {"limit": "abc"}, {"offset": "null"}, {"limit": "-1"},
                                   {"limit": "1e9"}, {"filters": "[[["}, {"sort": "null"}, {"fields": "null"},
                                   {"q": "null", "plain": "null"}, {"distinct": "null"}])
def test_datastore_search_with_a_bad_parameter_is_a_400_or_409(app, table, query):
    answer = app.get("/api/3/action/datastore_search", query_string={"resource_id": table, **query})
    assert answer.status_code in (200, 400, 409), (query, answer.status_code)


def test_datastore_search_sql_without_sql_is_a_400_or_409(app):
    assert app.get("/api/3/action/datastore_search_sql").status_code in (400, 409)


def test_trace_is_refused_with_an_allow_header(app):
    response = app.client.open("/api/3/action/status_show", method="TRACE")
    assert response.status_code == 405
    assert "GET" in response.headers.get("Allow", "")


def test_a_script_link_stored_before_the_check_never_goes_out_to_federated_portals(app):
    """Datasets stored before resource links were checked keep their value, but the DCAT
    output points at the resource's page instead of a javascript: link."""
    import rdflib
    import ckan.model as model
    from ckanext.smartcityms import cache
    from ckanext.smartcityms.dcat import store as dcat_store
    org = factories.Organization()
    dataset = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                                  **minimal_dataset(org["id"], name="altlast"))
    resource = model.Resource.get(dataset["resources"][0]["id"])
    resource.url = "javascript:alert(document.cookie)"
    model.Session.commit()
    from ckan.lib.search import rebuild
    rebuild(dataset["id"])
    cache.dataset_changed(dataset["id"])
    dcat_store.refresh(dataset["id"])
    graph = rdflib.Graph().parse(data=app.get(f"/dataset/{dataset['id']}.ttl").body, format="turtle")
    links = {str(o) for p in ("accessURL", "downloadURL")
             for o in graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/dcat#" + p))}
    assert links and not any(link.lower().startswith("javascript") for link in links), links
