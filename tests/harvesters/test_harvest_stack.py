"""ckanext-harvest runs on CKAN 2.12 through the real Redis queues."""
import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.harvest.model import HarvestObject
from ckanext.smartcityms.harvesters import queue_consumers

from tests.replay import Response, shared_file

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DCAT_AP_DE_2_EXAMPLE = "dcat/examples/dcat-ap.de-V2.0/dcat_ap_de-RefImp_TTL_SIMPLE.ttl"


def run_job_through_queues(context, source_id):
    """Run a harvest job the way the portal's consumer processes do."""
    job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source_id})
    tk.get_action("harvest_send_job_to_gather_queue")(dict(context), {"id": job["id"]})
    assert queue_consumers.run("gather", max_messages=1) == 1
    # Only the queued objects: a gather finishes unchanged items itself (harvesters/common.unchanged_objects).
    objects = model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"], state="WAITING").count()
    if objects:
        assert queue_consumers.run("fetch", max_messages=objects) == objects
    # What `ckan harvester run` (the cron tick) does: mark finished jobs.
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source_id})
    return tk.get_action("harvest_job_show")(dict(context), {"id": job["id"]})


@pytest.fixture
def dcat_source(replay_server):
    url = replay_server.serve_file("/catalog.ttl", DCAT_AP_DE_2_EXAMPLE, "text/turtle")
    context = {"user": factories.Sysadmin()["name"]}
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": "beispielkatalog", "title": "Beispielkatalog", "url": url,
        "source_type": "dcat_ap_de_rdf", "owner_org": factories.Organization()["id"],
        "frequency": "MANUAL", "config": '{"handlungsfeld": ["umwelt"]}',
    })
    return context, source


def harvested(source):
    return tk.get_action("package_search")(
        {}, {"fq": f"harvest_source_id:{source['id']}", "rows": 100})


@pytest.mark.usefixtures("queues_empty")
def test_dcat_harvest_job_runs_to_completion_and_indexes_datasets(dcat_source, replay_server):
    context, source = dcat_source

    job = run_job_through_queues(context, source["id"])

    assert job["status"] == "Finished"
    assert job["stats"].get("errored", 0) == 0
    assert job["stats"]["added"] >= 1
    assert replay_server.requests == ["/catalog.ttl"]

    found = harvested(source)
    assert found["count"] == job["stats"]["added"]
    dataset = tk.get_action("package_show")({}, {"id": found["results"][0]["id"]})
    extras = {e["key"]: e["value"] for e in dataset.get("extras", [])}
    assert extras["harvest_source_id"] == source["id"]

    # The source's own search-index entry reflects the finished job.
    status = tk.get_action("harvest_source_show_status")({}, {"id": source["id"]})
    assert status["last_job"]["status"] == "Finished"
    assert status["total_datasets"] == job["stats"]["added"]


@pytest.mark.usefixtures("queues_empty")
def test_reharvest_reindexes_with_current_object_and_deletion_leaves_the_index(
        dcat_source, replay_server):
    """CKAN 2.12 indexes only inside the actions (no commit hook any more):
    the index must follow updates and deletions made by harvest jobs."""
    context, source = dcat_source
    run_job_through_queues(context, source["id"])

    replay_server.routes["/catalog.ttl"] = Response(
        shared_file(DCAT_AP_DE_2_EXAMPLE).read_text("utf-8").replace(
            "Badegewässer (Daten) Hamburg", "Badegewässer Hamburg"), content_type="text/turtle")
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["updated"] == 1
    indexed = harvested(source)["results"][0]
    current = model.Session.query(HarvestObject).filter_by(
        package_id=indexed["id"], current=True).one()
    extras = {e["key"]: e["value"] for e in indexed["extras"]}
    assert extras["harvest_object_id"] == current.id

    replay_server.routes["/catalog.ttl"] = Response(
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<http://example.com/catalog> a dcat:Catalog .\n",
        content_type="text/turtle")
    # A catalogue that lost every dataset is refused unless the operator confirms it.
    tk.get_action("harvest_source_update")(dict(context), {
        "id": source["id"], "name": source["name"], "title": source["title"], "url": source["url"],
        "source_type": source["source_type"], "owner_org": source["owner_org"], "frequency": "MANUAL",
        "config": '{"handlungsfeld": ["umwelt"], "allow_mass_deletion": true}'})
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["deleted"] == 1
    assert harvested(source)["count"] == 0
    assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == 0
