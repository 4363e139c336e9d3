"""A catalogue like the one the portal publishes, for tests that need real variety."""
import json

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from tests.datasets import full_dataset
from tests.harvesters.opensensemap.test_harvester import REGION, recorded_boxes, serve_boxes
from tests.harvesters.stadtwerke.test_harvester import feeds, serve_healthy
from tests.harvesters.test_harvest_stack import run_job_through_queues


def publish_catalogue(cli, replay_server):
    """Demo content, 19 harvested senseBoxes, the five Stadtwerke kinds, one full dataset."""
    result = cli.invoke(ckan_command, ["smartcityms", "demo-content"])
    assert result.exit_code == 0, result.output
    context = {"user": factories.Sysadmin()["name"]}
    organizations = {o["name"]: o for o in tk.get_action("organization_list")(
        {}, {"all_fields": True})}

    serve_boxes(replay_server, recorded_boxes())
    sensebox = tk.get_action("harvest_source_create")(dict(context), {
        "name": "opensensemap", "title": "openSenseMap", "url": replay_server.url("/boxes"),
        "source_type": "opensensemap", "owner_org": organizations["sensebox-community"]["id"],
        "frequency": "MANUAL", "config": json.dumps({
            "api_url": replay_server.base_url, "retries": 1, "backoff": 0, "bbox": REGION,
            "inactive_after_days": 100000})})
    assert run_job_through_queues(context, sensebox["id"])["stats"]["added"] == 19

    serve_healthy(replay_server)
    stadtwerke = tk.get_action("harvest_source_create")(dict(context), {
        "name": "stadtwerke", "title": "Stadtwerke Münster", "url": replay_server.url("/"),
        "source_type": "stadtwerke_ms", "owner_org": organizations["stadtwerke-muenster"]["id"],
        "frequency": "MANUAL",
        "config": json.dumps({"feeds": feeds(replay_server.base_url), "timeout": 20})})
    job = run_job_through_queues(context, stadtwerke["id"])
    assert job["stats"]["added"] == 5, job

    helpers.call_action("package_create", dict(context),
                        **full_dataset(organizations["stadt-muenster"]["id"], name="alle-felder"))
    found = tk.get_action("package_search")({}, {"q": "*:*", "rows": 1000})
    return [tk.get_action("package_show")({}, {"id": d["id"]}) for d in found["results"]]
