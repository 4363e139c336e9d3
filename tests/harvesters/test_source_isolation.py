"""One source can never touch another's data; no request to internal addresses; no object kills
a consumer. Every job runs through the real Redis queues and our consumers."""
import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers
from ckanext.harvest.model import HarvestGatherError, HarvestObject, HarvestObjectError

from tests.harvesters.test_harvest_stack import run_job_through_queues
from tests.replay import Response, shared_file

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "queues_empty")

BOX = "57000b8745fd40c8196ad04c"


def recorded_box():
    return json.loads(shared_file(f"fixtures/opensensemap/box_{BOX}_apidoc_example.json").read_text("utf-8"))


def gather_errors(job):
    return [e.message for e in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job["id"])]


def object_errors(job):
    return [e.message for e in model.Session.query(HarvestObjectError).join(HarvestObject)
            .filter(HarvestObject.harvest_job_id == job["id"])]


def osem_source(replay_server, user, org, name, **config):
    return tk.get_action("harvest_source_create")({"user": user["name"]}, {
        "name": name, "title": name, "url": replay_server.url("/boxes"), "source_type": "opensensemap",
        "owner_org": org["id"], "frequency": "MANUAL",
        "config": json.dumps({"api_url": replay_server.base_url, "retries": 0, "backoff": 0, **config})})


def editor_of(org):
    user = factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"], role="editor")
    return user


def test_a_source_cannot_take_over_another_sources_dataset(replay_server):
    replay_server.routes["/boxes"] = Response(json.dumps([recorded_box()]), content_type="application/json")
    city = factories.Organization(name="stadt", title="Stadt")
    city_source = osem_source(replay_server, factories.Sysadmin(), city, "stadt-sensoren")
    first = run_job_through_queues({"user": factories.Sysadmin()["name"]}, city_source["id"])
    assert first["stats"]["added"] == 1
    dataset = model.Session.query(HarvestObject).filter_by(
        harvest_source_id=city_source["id"], current=True).one().package_id
    before = helpers.call_action("package_show", id=dataset)

    # An editor of another organization points a source at the same box.
    other = factories.Organization(name="verein", title="Verein")
    intruder = editor_of(other)
    intruding = osem_source(replay_server, intruder, other, "fremd", box_ids=[BOX])
    job = run_job_through_queues({"user": factories.Sysadmin()["name"]}, intruding["id"])
    assert any("another harvest source" in m and "not touched" in m for m in object_errors(job)), object_errors(job)

    # ...and later lets the box vanish from its list, answering 404 for it.
    replay_server.routes["/boxes"] = Response("[]", content_type="application/json")
    replay_server.routes[f"/boxes/{BOX}"] = Response(b'{"message": "not found"}', status=404,
                                                     content_type="application/json")
    run_job_through_queues({"user": factories.Sysadmin()["name"]}, intruding["id"])

    after = helpers.call_action("package_show", id=dataset)
    assert after["state"] == "active" and after["owner_org"] == city["id"]
    assert after["metadata_modified"] == before["metadata_modified"]
    assert model.Session.query(HarvestObject).filter_by(
        harvest_source_id=city_source["id"], current=True).count() == 1


def test_the_organization_option_needs_the_creators_rights_there(replay_server):
    replay_server.routes["/boxes"] = Response(json.dumps([recorded_box()]), content_type="application/json")
    city = factories.Organization(name="stadt", title="Stadt")
    other = factories.Organization(name="verein", title="Verein")
    editor = editor_of(other)
    source = osem_source(replay_server, editor, other, "fremd", organization=city["name"])
    job = run_job_through_queues({"user": factories.Sysadmin()["name"]}, source["id"])
    assert any("may not create datasets there" in e and "Nothing was changed" in e for e in gather_errors(job))
    assert helpers.call_action("package_search", fq=f"owner_org:{city['id']}")["count"] == 0


def test_a_source_on_an_internal_address_is_refused_without_a_request(replay_server):
    replay_server.routes["/boxes"] = Response(json.dumps([recorded_box()]), content_type="application/json")
    source = osem_source(replay_server, factories.Sysadmin(), factories.Organization(), "intern")
    with helpers.changed_config("ckanext.smartcityms.outbound_internal_allowances", ""):
        job = run_job_through_queues({"user": factories.Sysadmin()["name"]}, source["id"])
    assert any("internal address" in e for e in gather_errors(job)), gather_errors(job)
    assert replay_server.requests == []


def test_an_object_that_breaks_unexpectedly_is_its_own_error_and_the_consumer_goes_on(replay_server):
    """A stored object the import cannot even read: its error; the next object imports."""
    from ckanext.harvest import queue
    from ckanext.smartcityms.harvesters import queue_consumers
    layer = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Dom"}, "geometry": {"type": "Point", "coordinates": [7.62, 51.96]}}]}
    replay_server.routes["/layer.geojson"] = Response(json.dumps(layer), content_type="application/geo+json")
    context = {"user": factories.Sysadmin()["name"]}
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": "stadtwerke", "title": "Stadtwerke", "url": replay_server.url("/layer.geojson"),
        "source_type": "stadtwerke_ms", "owner_org": factories.Organization()["id"], "frequency": "MANUAL",
        "config": json.dumps({"feeds": [{"id": "haltestellen", "kind": "geojson", "licence": "dl-zero-de/2.0",
                                         "url": replay_server.url("/layer.geojson")}]})})
    job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"]})
    tk.get_action("harvest_send_job_to_gather_queue")(dict(context), {"id": job["id"]})
    assert queue_consumers.run("gather", max_messages=1) == 1
    good = model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"]).one()
    broken = HarvestObject(guid="kaputt", job=model.Session.get(type(good.job), job["id"]), content="{kein json")
    broken.save()
    publisher = queue.get_fetch_publisher()
    publisher.send({"harvest_object_id": broken.id})
    publisher.close()

    assert queue_consumers.run("fetch", max_messages=2) == 2
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
    finished = tk.get_action("harvest_job_show")(dict(context), {"id": job["id"]})
    assert finished["stats"]["added"] == 1
    assert any(m.startswith("kaputt: the import failed unexpectedly (JSONDecodeError") for m in object_errors(job))


def gathered_job(replay_server, name, boxes=None):
    """A job of a new openSenseMap source over the recorded boxes (the first
    `boxes` of them), gathered by our consumer: its objects wait in the fetch queue."""
    from ckanext.smartcityms.harvesters import queue_consumers
    recorded = json.loads(shared_file("fixtures/opensensemap/boxes_GET_all_real_response_subset_2024-05.json")
                          .read_text("utf-8"))[:boxes]
    replay_server.routes["/boxes"] = Response(json.dumps(recorded), content_type="application/json")
    context = {"user": factories.Sysadmin()["name"]}
    source = osem_source(replay_server, factories.Sysadmin(), factories.Organization(), name,
                         bbox=[5.0, 49.0, 9.0, 53.0], inactive_after_days=100000)
    job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"]})
    tk.get_action("harvest_send_job_to_gather_queue")(dict(context), {"id": job["id"]})
    assert queue_consumers.run("gather", max_messages=1) == 1
    return context, source, job


def test_two_fetch_consumers_in_parallel_neither_duplicate_nor_lose_objects(replay_server):
    """Two `ckan smartcityms harvest-consumer fetch` processes share one job's objects."""
    import pathlib
    import subprocess
    import sys
    import time
    context, source, job = gathered_job(replay_server, "sensoren")
    objects = model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"]).count()
    assert objects >= 10

    ckan = str(pathlib.Path(sys.executable).with_name("ckan"))
    consumers = [subprocess.Popen([ckan, "-c", tk.config["__file__"], "smartcityms", "harvest-consumer", "fetch"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            model.Session.remove()
            done = model.Session.query(HarvestObject).filter(
                HarvestObject.harvest_job_id == job["id"], HarvestObject.state.in_(["COMPLETE", "ERROR"])).count()
            if done == objects:
                break
            time.sleep(1)
    finally:
        for consumer in consumers:
            consumer.terminate()
        for consumer in consumers:
            consumer.wait(timeout=30)
    assert done == objects
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
    current = model.Session.query(HarvestObject.guid, HarvestObject.package_id).filter_by(
        harvest_source_id=source["id"], current=True).all()
    assert len(current) == objects == len({guid for guid, _ in current}) == len({pid for _, pid in current})
    datasets = model.Session.query(model.Package).filter_by(state="active", type="dataset").all()
    assert len(datasets) == objects and len({d.name for d in datasets}) == objects


def test_an_object_sent_twice_to_the_fetch_queue_is_imported_once(replay_server):
    """ckanext-harvest's harvest_jobs_run (the ticker) re-sends WAITING objects it
    does not see in Redis, also ones that are queued or being started; each was
    imported twice ("<name>-2"). Here every object is sent a second time."""
    from ckanext.harvest import queue as harvest_queue
    from ckanext.smartcityms.harvesters import queue_consumers
    context, source, job = gathered_job(replay_server, "doppelt", boxes=4)
    ids = [o.id for o in model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"])]
    assert len(ids) == 4
    # A second message for each, as harvest_jobs_run's resubmit_objects() sends one for an
    # object popped from Redis but not yet started.
    publisher = harvest_queue.get_fetch_publisher()
    for object_id in ids:
        publisher.send({"harvest_object_id": object_id})
    publisher.close()
    assert queue_consumers.run("fetch", max_messages=8) == 8
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
    names = [d.name for d in model.Session.query(model.Package).filter_by(state="active", type="dataset")]
    assert len(names) == 4 and not any(n.endswith("-2") for n in names), names
    finished = tk.get_action("harvest_job_show")(dict(context), {"id": job["id"]})
    assert finished["stats"]["added"] == 4 and finished["status"] == "Finished"
