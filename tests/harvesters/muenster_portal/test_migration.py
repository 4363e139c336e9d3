"""The old portal's whole export migrated through the real consumers (gather,
fetch and import as the portal's processes run them), from the replay server:
204 datasets with 938 resources, every one under a Handlungsfeld, none
published without a licence; a second run changes nothing; old addresses
lead to the new ones."""
from urllib.parse import quote

import pytest

import ckan.model as model
from ckanext.harvest.model import HarvestObject, HarvestObjectError
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.harvesters.test_harvest_stack import run_job_through_queues

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "queues_empty")
EXPORT = "fixtures/muenster-portal/datensaetze.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def migrated(replay_server):
    url = replay_server.serve_file("/datensaetze.xlsx", EXPORT, XLSX)
    context = {"user": factories.Sysadmin()["name"]}
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster", image_url="")
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": "altes-portal", "title": "Altes Portal", "url": url, "source_type": "muenster_portal",
        "owner_org": org["id"], "frequency": "MANUAL", "config": ""})
    job = run_job_through_queues(context, source["id"])
    return context, source, job


def all_datasets():
    found = helpers.call_action("package_search", {"ignore_auth": True}, q="*:*", rows=1000, include_private=True)
    return found["results"]


def test_all_204_datasets_and_938_resources_arrive_each_under_a_handlungsfeld(migrated):
    _context, _source, job = migrated
    datasets = all_datasets()
    assert len(datasets) == 204, job["stats"]
    assert sum(len(d["resources"]) for d in datasets) == 938
    assert all(d["handlungsfeld"] for d in datasets)
    errors = [e.message for e in model.Session.query(HarvestObjectError).join(HarvestObject).filter(
        HarvestObject.harvest_job_id == job["id"])]
    assert all(message.startswith("Warning: ") for message in errors), errors  # warnings only
    unsettled = [d for d in datasets if d["private"]]
    assert any("license" in d["worklist"] for d in unsettled)
    assert all(set(d["worklist"]) - {"handlungsfeld: vorgeschlagen"} for d in unsettled)
    public = [d for d in datasets if not d["private"]]
    assert all(r["license"] for d in public for r in d["resources"])
    services = [r for d in datasets for r in d["resources"] if r.get("service_type") == "WFS"]
    assert len(services) >= 108 and all(r["service_capabilities"].endswith("REQUEST=GetCapabilities")
                                        for r in services)
    publishers = {d["organization"]["title"] for d in datasets}
    assert {"Stadt Münster", "Stadtwerke Münster", "CodeForMünster"} <= publishers


def test_a_second_run_changes_nothing(migrated):
    context, source, _job = migrated
    before = {d["id"]: d["metadata_modified"] for d in all_datasets()}
    again = run_job_through_queues(context, source["id"])
    assert again["stats"]["added"] == 0 and again["stats"]["updated"] == 0, again["stats"]
    assert {d["id"]: d["metadata_modified"] for d in all_datasets()} == before


def test_old_addresses_answer_with_a_permanent_redirect(app, migrated):
    target = "/dataset/unfaelle-im-regierungsbezirk-muenster"
    for path in ("/dataset/unfälle-im-regierungsbezirk-münster",
                 "/dataset/" + quote("unfälle-im-regierungsbezirk-münster"), "/node/42103"):
        answer = app.get(path, follow_redirects=False)
        assert answer.status_code == 301, path
        assert answer.headers["Location"].endswith(target), answer.headers["Location"]
    assert app.get("/node/999999999", follow_redirects=False).status_code == 404
    assert app.get("/dataset/gibt-es-nirgends", follow_redirects=False).status_code == 404


def test_a_private_dataset_is_never_made_public_without_its_licence(migrated):
    context, _source, _job = migrated
    unsettled = next(d for d in all_datasets() if d["private"] and "license" in d["worklist"])
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("package_patch", dict(context), id=unsettled["id"], private=False)
    assert "license_id" in refused.value.error_dict
    assert model.Package.get(unsettled["id"]).private
