"""`make demo` content: the CLI commands it runs."""
import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def run(cli, *args):
    result = cli.invoke(ckan_command, ["smartcityms", *args])
    return result


def test_demo_content_loads_searchable_datasets_and_is_idempotent(cli):
    first = run(cli, "demo-content")
    assert first.exit_code == 0, first.output
    second = run(cli, "demo-content")
    assert second.exit_code == 0, second.output

    found = tk.get_action("package_search")({}, {"q": "*:*", "facet.field": ["organization"]})
    assert found["count"] == 9
    assert found["facets"]["organization"]["stadt-muenster"] == 6
    # what the portal itself publishes: its catalogue and its data requests, at this site's address
    catalogue = tk.get_action("package_show")({}, {"id": "open-data-katalog-metadaten"})
    site = tk.config["ckan.site_url"].rstrip("/")
    assert [r["url"] for r in catalogue["resources"]][0] == site + "/catalog.ttl"
    fields = tk.get_action("package_search")({}, {"q": "*:*", "facet.field": ["handlungsfeld"]})["facets"]["handlungsfeld"]
    assert len(fields) >= 4, fields
    # the uploaded table: one resource, its file in CKAN's storage, made once
    uploaded = tk.get_action("package_show")({}, {"id": "ladesaeulen-muenster"})
    assert [r["url_type"] for r in uploaded["resources"]] == ["upload"]
    assert uploaded["resources"][0]["url"].endswith("/download/ladesaeulen_muenster_bnetza_extract_head.csv")
    assert sorted(tk.get_action("organization_list")({}, {})) == [
        "sensebox-community", "stadt-muenster", "stadtwerke-muenster"]
    # three applications, loaded once each, linked to the datasets they use
    assert "showcases: 3 (aasee-wasserqualitaet-live, klimaheroes, dashboard-smart-city-muenster)" in second.output
    showcases = tk.get_action("package_search")({}, {"fq": "dataset_type:showcase", "rows": 10})
    assert showcases["count"] == 3
    aasee = tk.get_action("package_show")({}, {"id": "aasee-monitoring"})["id"]
    assert all(aasee in found["uses_datasets"] for found in showcases["results"])
    # two data requests, one of them answered with a dataset; not sent twice
    wishes = tk.get_action("smartcityms_data_request_list")({}, {})
    assert [(w["status"], (w["dataset"] or {}).get("name")) for w in wishes["results"]] == [
        ("published", "bike-and-ride-stationen"), ("open", None)]


def test_broken_demo_content_file_fails_with_a_clear_message(cli, tmp_path):
    broken = tmp_path / "content.json"
    broken.write_text('{"datasets": [', "utf-8")
    result = run(cli, "demo-content", "--file", str(broken))
    assert result.exit_code == 1
    assert "cannot read" in result.output and str(broken) in result.output


def test_invalid_dataset_in_demo_content_is_reported_and_nothing_else_breaks(cli, tmp_path):
    content = tmp_path / "content.json"
    content.write_text(json.dumps({"datasets": [{"name": "BAD NAME!", "title": "x"}]}), "utf-8")
    result = run(cli, "demo-content", "--file", str(content))
    assert result.exit_code == 1
    assert "'BAD NAME!'" in result.output


def test_sysadmin_command_creates_a_working_login_and_token(cli, tmp_path, app):
    password_file = tmp_path / "pw"
    password_file.write_text("Korrekt-Pferd-Batterie\n", "utf-8")
    args = ["sysadmin", "admin", "--email", "admin@smartcity.invalid",
            "--password-file", str(password_file)]
    result = run(cli, *args)
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]

    user = model.User.get("admin")
    assert user.sysadmin
    assert user.validate_password("Korrekt-Pferd-Batterie")

    own_tokens = {"/api/3/action/api_token_list": {"user_id": "admin"}}
    for url, params in own_tokens.items():
        assert app.get(url, query_string=params, headers={"Authorization": token}).status_code == 200
    # Re-running replaces the demo token: the old one stops working.
    rerun = run(cli, *args)
    assert rerun.exit_code == 0, rerun.output
    for url, params in own_tokens.items():
        assert app.get(url, query_string=params, headers={"Authorization": token}).status_code == 403
