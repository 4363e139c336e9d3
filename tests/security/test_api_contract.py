"""The Action API against its own OpenAPI description, fuzzed by Schemathesis
(PyPI, property-based): every operation the description names, GET and POST,
with every check Schemathesis has, against `ckan run` of the test site with a
small catalogue. The site is thrown away afterwards (clean_db); POSTs create
data requests and archive requests there, nothing else.

What the probe of issue 28 found this way: server errors, status codes the
description does not list, requests outside the described schema accepted,
TRACE answered without an `Allow` header."""
import os
import pathlib
import subprocess
import sys

import pytest

from tests.browser import LiveCKAN

pytestmark = pytest.mark.usefixtures("with_plugins")
SCHEMATHESIS = str(pathlib.Path(sys.executable).with_name("schemathesis"))
EXAMPLES = os.environ.get("SCMS_FUZZ_EXAMPLES", "60")


@pytest.fixture
def site(catalogue, fresh_limits, tmp_path):
    import ckan.plugins.toolkit as tk
    ini = tmp_path / "fuzz.ini"
    # Schemathesis sends many data requests in a minute; the rate limit is tested elsewhere.
    ini.write_text(f"[app:main]\nuse = config:{tk.config['__file__']}\n"
                   "ckanext.smartcityms.data_request_rate_limit = 100000\n"
                   "ckanext.smartcityms.data_request_global_rate_limit = 100000\n"
                   "ckanext.smartcityms.data_request_min_form_seconds = 0\n")
    server = LiveCKAN(ini, own_site_url=True)
    yield server
    server.stop()


def test_every_operation_keeps_its_described_contract(site, tmp_path):
    report = tmp_path / "schemathesis.txt"
    result = subprocess.run(
        [SCHEMATHESIS, "run", f"{site.url}/api/openapi.json", "--checks", "all",
         "--max-examples", EXAMPLES, "--workers", "2", "--seed", "28",
         "--suppress-health-check", "all", "--no-color", "--max-response-time", "20"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    report.write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout[-12000:]


# The same contract, case by case, as the probe found it broken (in-process, no fuzzer)

@pytest.mark.parametrize("query", ["rows=93175", "rows=abc", "rows=1&rows=2", "start=-1", "q=" + "x" * 1001,
                                   "sort=title_string%20asc;drop", "include_private=vielleicht"])
def test_a_search_outside_the_described_schema_is_a_409_naming_the_parameter(app, query):
    answer = app.get("/api/3/action/package_search?" + query)
    assert answer.status_code == 409, (query, answer.status_code)
    name = query.split("=", 1)[0]
    assert answer.json["success"] is False and name in answer.json["error"], answer.json


def test_a_parameter_given_twice_is_refused_before_the_datastore_sees_it(app):
    answer = app.get("/api/3/action/datastore_search?resource_id=x&limit=null&limit=null")
    assert answer.status_code == 409 and "limit" in answer.json["error"]


def test_clients_that_post_json_as_ckanapi_does_keep_working(app):
    answer = app.post("/api/3/action/package_search", json={"q": "Wasser", "rows": 5, "facet.field": '["tags"]'})
    assert answer.status_code == 200, answer.json
    refused = app.post("/api/3/action/package_search", json={"rows": 5000})
    assert refused.status_code == 409 and "rows" in refused.json["error"]


def test_methods_are_those_described(app):
    assert app.get("/api/3/action/smartcityms_data_request_create").status_code == 405
    allowed = app.client.open("/api/3/action/smartcityms_data_request_create", method="OPTIONS").headers["Allow"]
    assert allowed == "OPTIONS, POST"
    trace = app.client.open("/api/3/action/package_search", method="TRACE")
    assert trace.status_code == 405 and "GET" in trace.headers["Allow"]


def test_the_description_lists_the_common_answers_and_post_for_every_read(app):
    description = app.get("/api/openapi.json").json
    for path, item in description["paths"].items():
        for method, operation in item.items():
            assert {"400", "403", "404", "409"} <= set(operation["responses"]), (path, method)
        assert "post" in item, path
