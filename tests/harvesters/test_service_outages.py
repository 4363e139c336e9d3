"""A service stops in the middle of a harvest, through the processes the demo runs.

Our gather and fetch consumers run as their own processes (`ckan smartcityms
harvest-consumer`), the test plays the ticker (`harvest_jobs_run`), and once
some datasets are in, the real PostgreSQL, Solr or Redis of this test run is
stopped for a few seconds and started again with `bin/services`. Afterwards
every box is a dataset exactly once, in the database and in the index, and
the job is finished without object errors.
"""
import json
import pathlib
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectError

from tests.replay import Response, shared_file

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "queues_empty")

ROOT = pathlib.Path(__file__).resolve().parents[2]
COPIES = 3  # of the 19 recorded boxes: enough objects that the fault meets a harvest under way
OUTAGE_SECONDS = 6


def boxes():
    recorded = json.loads(shared_file("fixtures/opensensemap/boxes_GET_all_real_response_subset_2024-05.json")
                          .read_text("utf-8"))
    made = []
    for copy in range(COPIES):
        for box in recorded:
            box = json.loads(json.dumps(box))
            box["_id"] = f"{copy:02x}{box['_id'][2:]}"
            box["name"] = f"{box['name']} ({copy})"
            made.append(box)
    return made


@pytest.fixture
def harvest_processes(tmp_path):
    ckan = str(pathlib.Path(sys.executable).with_name("ckan"))
    logs = {stage: open(tmp_path / f"{stage}.log", "w") for stage in ("gather", "fetch")}
    running = [subprocess.Popen([ckan, "-c", tk.config["__file__"], "smartcityms", "harvest-consumer", stage],
                                stdout=logs[stage], stderr=subprocess.STDOUT) for stage in logs]
    yield tmp_path
    for process in running:
        process.terminate()
    for process in running:
        process.wait(timeout=60)


def services(action, name):
    subprocess.run([str(ROOT / "bin" / "services"), action, name], check=True, capture_output=True, timeout=180)


def query(read):
    """`read(Session)` once the database answers again (this process's connections died too)."""
    for _ in range(60):
        try:
            model.Session.remove()
            return read(model.Session)
        except sa.exc.DBAPIError:
            time.sleep(1)
    raise AssertionError("PostgreSQL did not come back")


def completed(job_id):
    return query(lambda s: s.query(HarvestObject).filter(
        HarvestObject.harvest_job_id == job_id, HarvestObject.state.in_(["COMPLETE", "ERROR"])).count())


@pytest.mark.parametrize("service", ["postgres", "solr", "redis"])
def test_a_service_restarted_mid_harvest_loses_and_duplicates_nothing(service, replay_server, harvest_processes):
    wanted = boxes()
    replay_server.routes["/boxes"] = Response(json.dumps(wanted), content_type="application/json")
    context = {"user": factories.Sysadmin()["name"]}
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": "ausfall", "title": "Ausfall", "url": replay_server.url("/boxes"), "source_type": "opensensemap",
        "owner_org": factories.Organization()["id"], "frequency": "MANUAL",
        "config": json.dumps({"api_url": replay_server.base_url, "retries": 0, "bbox": [5.0, 49.0, 9.0, 53.0],
                              "inactive_after_days": 100000})})
    job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"]})
    tk.get_action("harvest_send_job_to_gather_queue")(dict(context), {"id": job["id"]})

    deadline = time.monotonic() + 300
    while completed(job["id"]) < 8:
        assert time.monotonic() < deadline, (harvest_processes / "fetch.log").read_text()[-3000:]
        time.sleep(0.5)
    done_before = completed(job["id"])
    services("stop", service)
    time.sleep(OUTAGE_SECONDS)
    services("start", service)
    assert done_before < len(wanted), "the fault came after the harvest; raise COPIES"

    while True:  # the ticker's part: resend lost messages, mark the job finished
        assert time.monotonic() < deadline, (harvest_processes / "fetch.log").read_text()[-3000:]
        query(lambda s: tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]}))
        if query(lambda s: s.get(HarvestJob, job["id"]).status) == "Finished":
            break
        time.sleep(2)

    log = (harvest_processes / "fetch.log").read_text()
    model.Session.remove()
    current = model.Session.query(HarvestObject.guid, HarvestObject.package_id).filter_by(
        harvest_source_id=source["id"], current=True).all()
    assert sorted(guid for guid, _ in current) == sorted(box["_id"] for box in wanted), log[-3000:]
    datasets = model.Session.query(model.Package).filter_by(state="active", type="dataset").all()
    assert len(datasets) == len(wanted) and not [d.name for d in datasets if d.name.endswith("-2")]
    assert {d.id for d in datasets} == {package_id for _, package_id in current}
    errors = [e.message for e in model.Session.query(HarvestObjectError).join(HarvestObject).filter(
        HarvestObject.harvest_job_id == job["id"]) if not e.message.startswith("Warning: ")]
    assert errors == []
    found = tk.get_action("package_search")({}, {"fq": f"harvest_source_id:{source['id']}", "rows": 0})
    assert found["count"] == len(wanted)
    if service != "redis":  # a Redis restart is met by the queue's reconnect, not by an import
        assert "met an outage" in log, log[-3000:]


def test_an_object_run_again_after_it_wrote_its_dataset_updates_that_dataset(replay_server):
    """The consumer died (or the database went away) after the dataset's commit but
    before the object was marked complete; the object's second run must not make a
    second dataset."""
    from ckanext.harvest import queue as harvest_queue
    from tests.harvesters.test_harvest_stack import run_job_through_queues
    wanted = boxes()[:5]
    replay_server.routes["/boxes"] = Response(json.dumps(wanted), content_type="application/json")
    context = {"user": factories.Sysadmin()["name"]}
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": "wiederholt", "title": "Wiederholt", "url": replay_server.url("/boxes"),
        "source_type": "opensensemap", "owner_org": factories.Organization()["id"], "frequency": "MANUAL",
        "config": json.dumps({"api_url": replay_server.base_url, "retries": 0, "bbox": [5.0, 49.0, 9.0, 53.0],
                              "inactive_after_days": 100000})})
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["added"] == 5
    harvest_object = model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"]).first()
    written = harvest_object.package_id
    harvest_object.state = "IMPORT"
    harvest_object.save()

    harvest_queue.fetch_and_import_stages(harvest_queue.get_harvester("opensensemap"), harvest_object)

    model.Session.remove()
    again = model.Session.get(HarvestObject, harvest_object.id)
    assert (again.state, again.current, again.package_id) == ("COMPLETE", True, written)
    assert not [e.message for e in again.errors if not e.message.startswith("Warning: ")]
    names = [d.name for d in model.Session.query(model.Package).filter_by(state="active", type="dataset")]
    assert len(names) == 5 and not [n for n in names if n.endswith("-2")], names
