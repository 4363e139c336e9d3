"""openSenseMap harvester: real recorded boxes replayed on 127.0.0.1."""
import json
import re

import pytest
import rdflib

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.dcat.processors import RDFSerializer
from ckanext.harvest.model import HarvestGatherError, HarvestObject, HarvestObjectError

from ckanext.smartcityms.dcat import shacl
from ckanext.smartcityms.harvesters.opensensemap import mapping
from tests.replay import Response, shared_file
from tests.harvesters.test_harvest_stack import run_job_through_queues

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "queues_empty")

REGION = [6.0, 50.7, 7.7, 51.3]  # Cologne/Bonn: where the recorded boxes stand
MUENSTER_BOX = "57000b8745fd40c8196ad04c"


def recorded_boxes():
    boxes = json.loads(shared_file("fixtures/opensensemap/boxes_GET_all_real_response_subset_2024-05.json")
                       .read_text("utf-8"))
    muenster = json.loads(shared_file(f"fixtures/opensensemap/box_{MUENSTER_BOX}_apidoc_example.json")
                          .read_text("utf-8"))
    return [muenster, *boxes]


def serve_boxes(replay_server, boxes):
    replay_server.routes["/boxes"] = Response(json.dumps(boxes), content_type="application/json")


@pytest.fixture
def osem(replay_server):
    serve_boxes(replay_server, recorded_boxes())

    def make_source(**config):
        context = {"user": factories.Sysadmin()["name"]}
        org = factories.Organization(name="sensebox-community", title="senseBox-Community Münster")
        source = tk.get_action("harvest_source_create")(dict(context), {
            "name": "opensensemap", "title": "openSenseMap", "url": replay_server.url("/boxes"),
            "source_type": "opensensemap", "owner_org": org["id"], "frequency": "MANUAL",
            "config": json.dumps({"api_url": replay_server.base_url, "retries": 1, "backoff": 0, **config})})
        return context, source
    return make_source


def datasets_of(source):
    return tk.get_action("package_search")({}, {"fq": f"harvest_source_id:{source['id']}", "rows": 100})


def gather_errors(job):
    return [e.message for e in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job["id"])]


def object_messages(job):
    return [e.message for e in model.Session.query(HarvestObjectError).join(HarvestObject)
            .filter(HarvestObject.harvest_job_id == job["id"])]


def test_only_boxes_currently_in_the_area_become_datasets(osem):
    context, source = osem()  # default bbox: the city of Münster
    job = run_job_through_queues(context, source["id"])
    found = datasets_of(source)
    assert found["count"] == 1, (job["stats"], gather_errors(job), object_messages(job))
    dataset = found["results"][0]
    assert dataset["title"] == "senseBox Oststr/Mauritzsteinpfad"
    assert dataset["political_geocoding_uri"].endswith("municipalityKey/05515000")
    assert dataset["handlungsfeld"] == ["umwelt-energie-klima"] and dataset["projekt"] == ["sensebox"]


def test_a_box_dataset_is_described_normalised_and_dcat_ap_de_valid(osem):
    context, source = osem(bbox=REGION, inactive_after_days=100000)
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["added"] == 19, object_messages(job)
    box = tk.get_action("package_show")({}, {"id": "sensebox-5c782a06973d19001a52929e"})

    assert box["phenomena"] == ["temperatur", "luftfeuchte", "pm10", "pm25"]
    assert box["sensor_exposure"] == "outdoor" and box["sensor_status"] == "active"
    assert box["spatial"] == '{"type":"Point","coordinates":[6.950575,50.92854]}'  # 3-D: height dropped
    assert box["temporal_end"] == "2024-05-21"
    formats = [(r["name"], r["format"], r["mimetype"], r["license"]) for r in box["resources"]]
    assert formats[0] == ("Box-Metadaten (JSON)", "JSON", "application/json", mapping.PDDL)
    assert all(lic == mapping.PDDL and media in ("application/json", "text/csv")
               for _n, _f, media, lic in formats)
    urls = [r["url"] for r in box["resources"]]
    assert any(u.endswith("/boxes/5c782a06973d19001a52929e/sensors") for u in urls)
    assert any("/boxes/data?boxId=5c782a06973d19001a52929e&phenomenon=PM2.5" in u for u in urls)
    assert any("/data/" in u and u.endswith("?format=csv") for u in urls)

    turtle = RDFSerializer(profiles=["dcat_ap_de"]).serialize_dataset(box, _format="turtle")
    findings = shacl.validate(rdflib.Graph().parse(data=turtle, format="turtle"))
    assert not shacl.violations(findings), shacl.violations(findings)

    # Search by phenomenon, exposure and status.
    recorded = recorded_boxes()[1:]
    with_pm25 = sum(any(mapping.phenomenon(s["title"]) and mapping.phenomenon(s["title"])["slug"] == "pm25"
                        for s in box["sensors"]) for box in recorded)
    assert with_pm25 >= 5
    assert tk.get_action("package_search")({}, {"fq": "phenomena:pm25"})["count"] == with_pm25
    indoor = tk.get_action("package_search")({}, {"fq": "sensor_exposure:indoor"})["count"]
    assert indoor == sum(box["exposure"] == "indoor" for box in recorded) == 4
    # Wind direction, precipitation, radioactivity, gases, … are known phenomena (also in German).
    assert tk.get_action("package_search")({}, {"fq": "phenomena:windrichtung"})["count"] == 1
    assert not any("is not in our list of phenomena" in m for m in object_messages(job))


def test_indoor_boxes_are_published_coarsened(osem):
    context, source = osem(bbox=REGION, location_precision=500)
    run_job_through_queues(context, source["id"])
    indoor = tk.get_action("package_show")({}, {"id": "sensebox-580f30787ac61b0010983265"})
    lon, lat = json.loads(indoor["spatial"])["coordinates"]
    assert (lon, lat) != (6.934701, 50.934325)
    assert abs(lon - 6.934701) < 0.008 and abs(lat - 50.934325) < 0.005
    assert "vergröbert" in indoor["notes"]


def test_unchanged_boxes_are_not_rewritten_and_changes_are(osem, replay_server):
    context, source = osem(bbox=REGION)
    run_job_through_queues(context, source["id"])
    before = {d["name"]: d["metadata_modified"] for d in datasets_of(source)["results"]}

    boxes = recorded_boxes()
    for box in boxes:
        box["updatedAt"] = "2026-11-21T10:00:00.000Z"  # moves with every measurement
    boxes[5]["name"] = "Neuer Name"
    serve_boxes(replay_server, boxes)
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["not modified"] == 18 and job["stats"]["updated"] == 1, job["stats"]
    # The unchanged ones were finished by the gather and never queued (the fetch callback counts retry_times).
    queued = {o.guid: o.retry_times for o in model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"])}
    assert sorted(queued.values()) == [0] * 18 + [1], queued
    after = {d["name"]: d["metadata_modified"] for d in datasets_of(source)["results"]}
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [f"sensebox-{boxes[5]['_id']}"]


def views_by_type(dataset):
    found = {}
    for resource in dataset["resources"]:
        for view in tk.get_action("resource_view_list")({}, {"id": resource["id"]}):
            found.setdefault(view["view_type"], []).append(resource["url"])
    return found


def test_every_box_gets_its_chart_and_map_views_once(osem, replay_server):
    context, source = osem(bbox=REGION)
    run_job_through_queues(context, source["id"])
    boxes = recorded_boxes()
    boxes[3]["name"] = "Umbenannte Box"
    serve_boxes(replay_server, boxes)
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["updated"] == 1, job["stats"]
    datasets = datasets_of(source)["results"]
    assert len(datasets) == 19
    for dataset in datasets:
        shown = tk.get_action("package_show")({}, {"id": dataset["id"]})
        views = views_by_type(shown)
        sensor_csvs = [r["url"] for r in shown["resources"] if r.get("sensor_id") and r["format"] == "CSV"]
        assert sensor_csvs and sorted(views["smartcityms_sensor_chart"]) == sorted(sensor_csvs), shown["name"]
        assert views["smartcityms_sensor_map"] == [shown["identifier"]], shown["name"]
        assert set(views) == {"smartcityms_sensor_chart", "smartcityms_sensor_map"}


def test_withdrawn_only_when_the_box_answers_404(osem, replay_server):
    context, source = osem(bbox=REGION)
    run_job_through_queues(context, source["id"])
    boxes = recorded_boxes()
    gone, moved = boxes.pop(3), boxes.pop(3)
    serve_boxes(replay_server, boxes)
    replay_server.routes[f"/boxes/{gone['_id']}"] = Response(
        b'{"code":"NotFound","message":"Box not found"}', 404, "application/json")
    replay_server.routes[f"/boxes/{moved['_id']}"] = Response(json.dumps(moved), content_type="application/json")
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["deleted"] == 1
    names = {d["name"] for d in datasets_of(source)["results"]}
    assert f"sensebox-{gone['_id']}" not in names
    assert f"sensebox-{moved['_id']}" in names


def test_inactive_boxes_stay_and_are_filterable(osem):
    context, source = osem(bbox=REGION, inactive_after_days=30)
    run_job_through_queues(context, source["id"])
    inactive = tk.get_action("package_search")({}, {"fq": "sensor_status:inactive"})["count"]
    assert inactive == 19  # recorded in 2024; today is later


def test_a_broken_box_fails_alone(osem, replay_server):
    boxes = recorded_boxes()
    boxes[2] = {**boxes[2], "sensors": []}
    boxes[3] = {k: v for k, v in boxes[3].items() if k != "currentLocation"}  # filtered out
    boxes[4] = {**boxes[4], "currentLocation": {"coordinates": "irgendwo"}}
    serve_boxes(replay_server, boxes)
    context, source = osem(bbox=REGION)
    job = run_job_through_queues(context, source["id"])
    assert datasets_of(source)["count"] == 16  # 19 recorded boxes in the region, 3 broken
    assert any("lists no sensors" in m for m in object_messages(job))
    errors = gather_errors(job)
    assert any(f"Box {boxes[3]['_id']} skipped: the box has no usable currentLocation" in e for e in errors)
    assert any(f"Box {boxes[4]['_id']} skipped" in e for e in errors)


BROKEN_LISTS = {
    "server error after retries": (Response(b'{"code":"InternalServerError","message":"connection timed out"}',
                                            503, "application/json"), "answered HTTP 503"),
    "cut off": (Response(lambda text: text[: len(text) // 2]), "not complete JSON"),
    "error appended": (Response(lambda text: text[:-1] + "Error: cursor killed"), "broke off with an error"),
    "too big": (Response(lambda text: text, content_type="application/json"), "than the limit of"),
    "timeout": (Response(lambda text: text, delay=3), "did not answer within 1 s"),
}


@pytest.mark.parametrize("case", list(BROKEN_LISTS))
def test_a_broken_box_list_changes_nothing(osem, replay_server, case):
    context, source = osem(bbox=REGION, timeout=1, max_mb=0.2 if case == "too big" else 200)
    run_job_through_queues(context, source["id"])
    before = {d["id"]: d["metadata_modified"] for d in datasets_of(source)["results"]}
    assert len(before) == 19

    response, message = BROKEN_LISTS[case]
    text = json.dumps(recorded_boxes() * (30 if case == "too big" else 1))
    if callable(response.body_factory):
        response = Response(response.body_factory(text), response.status, "application/json",
                            delay=response.delay)
    replay_server.routes["/boxes"] = response
    job = run_job_through_queues(context, source["id"])
    errors = gather_errors(job)
    assert any(message in e and "Nothing was changed" in e for e in errors), errors
    assert {d["id"]: d["metadata_modified"] for d in datasets_of(source)["results"]} == before


def test_rate_limit_is_honoured_then_the_harvest_succeeds(osem, replay_server):
    replay_server.routes["/boxes"] = [
        Response(b'{"code":"TooManyRequests","message":"slow down"}', 429, "application/json",
                 headers={"Retry-After": "0"}),
        Response(json.dumps(recorded_boxes()), content_type="application/json"),
    ]
    context, source = osem(bbox=REGION)
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["added"] == 19 and not gather_errors(job)
    assert replay_server.requests.count("/boxes?full=false&bbox=6.0%2C50.7%2C7.7%2C51.3") == 2


def test_configuration_errors_are_named():
    from ckanext.smartcityms.harvesters.opensensemap.harvester import parse_config
    for config, message in [('{"bbox": [1, 2, 3]}', "bbox must be"),
                            ('{"exposure": "underwater"}', "exposure must be"),
                            ('{"handlungsfeld": ["Raumfahrt"]}', "unknown value(s) Raumfahrt"),
                            ('{"colour": "blue"}', "Unknown option(s): colour"),
                            ("{nope", "not valid JSON")]:
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_config(config)


def test_one_shot_cli_run_with_summary(osem, cli):
    from ckan.cli.cli import ckan as ckan_command
    _context, source = osem(bbox=REGION, inactive_after_days=100000)
    result = cli.invoke(ckan_command, ["smartcityms", "harvest", source["name"]])
    assert "19 object(s) to fetch and import" in result.output
    assert "added: 19, updated: 0, not modified: 0, deleted: 0" in result.output
    assert "is not in our list of phenomena" not in result.output
    assert result.exit_code == (1 if "Warning:" in result.output else 0), result.output
    assert datasets_of(source)["count"] == 19
    again = cli.invoke(ckan_command, ["smartcityms", "harvest", source["name"]])
    assert "not modified: 19" in again.output
    missing = cli.invoke(ckan_command, ["smartcityms", "harvest", "gibt-es-nicht"])
    assert missing.exit_code == 2 and "There is no harvest source" in missing.output


def test_the_console_run_is_never_also_queued_and_a_pending_job_is_one_line(osem, cli, queues_empty):
    """The demo's consumers are waiting: a console run must not hand them the same job."""
    from ckan.cli.cli import ckan as ckan_command
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob
    context, source = osem(bbox=REGION, inactive_after_days=100000)
    result = cli.invoke(ckan_command, ["smartcityms", "harvest", source["name"]])
    assert "added: 19" in result.output
    redis = queue.get_connection()
    assert redis.llen(queue.get_gather_routing_key()) == 0 and redis.llen(queue.get_fetch_routing_key()) == 0
    assert HarvestJob.filter(source_id=source["id"]).one().status == "Finished"

    pending = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"], "run": False})
    refused = cli.invoke(ckan_command, ["smartcityms", "harvest", source["name"]])
    assert refused.exit_code == 2
    lines = [line for line in refused.output.splitlines() if line.strip()]
    assert len(lines) == 1 and pending["id"] in lines[0] and "job-abort" in lines[0], refused.output
    assert "Traceback" not in refused.output


def test_boxes_are_found_by_area(osem, app):
    context, source = osem(bbox=REGION)
    run_job_through_queues(context, source["id"])
    # Around Cologne's centre: the recorded boxes there, nothing from Aachen or Bonn.
    result = app.get("/api/3/action/package_search",
                     query_string={"ext_bbox": "6.85,50.88,7.0,50.98", "rows": 50}).json["result"]
    names = {d["name"] for d in result["results"]}
    assert names == {"sensebox-56cf43182cb6e1e41066df3c", "sensebox-580f30787ac61b0010983265",
                     "sensebox-5c782a06973d19001a52929e"}
    bad = app.get("/api/3/action/package_search", query_string={"ext_bbox": "Köln"}, status=409)
    assert "West,Süd,Ost,Nord" in bad.json["error"]["ext_bbox"][0]


def test_the_job_page_shows_the_counts(osem, app):
    context, source = osem(bbox=REGION)
    job = run_job_through_queues(context, source["id"])
    sysadmin = factories.SysadminWithToken()
    page = app.get(f"/harvest/{source['name']}/job/{job['id']}", headers={"Authorization": sysadmin["token"]})
    assert page.status_code == 200
    added = re.search(r'data-diff="added">\s*(\d+)', page.body)
    assert added and added.group(1) == "19"
    found = tk.get_action("package_search")({}, {"fq": "sensor_model:homeV2Lora"})
    assert found["count"] == sum(b.get("model") == "homeV2Lora" for b in recorded_boxes()[1:])


def test_unknown_phenomena_are_reported_once_per_job_and_dates_out_of_order_are_imported(osem, replay_server):
    context, source = osem(bbox=REGION, inactive_after_days=100000)
    boxes = recorded_boxes()
    in_region = [box for box in boxes if mapping.in_bbox(box, REGION)]
    for number, box in enumerate(in_region[:3]):
        box["sensors"].append({"_id": f"5a0000000000000000000{number:03d}", "title": "Gedankenstrom",
                               "unit": "?", "sensorType": "Eigenbau"})
    late = in_region[4]
    late["createdAt"], late["lastMeasurementAt"] = "2024-05-01T10:00:00.000Z", "2023-02-01T10:00:00.000Z"
    serve_boxes(replay_server, boxes)
    job = run_job_through_queues(context, source["id"])

    about = [m for m in object_messages(job) if "'Gedankenstrom'" in m]
    assert len(about) == 1 and "(3 box(es) in this job)" in about[0], about
    dataset = tk.get_action("package_show")({}, {"id": f"sensebox-{late['_id'].lower()}"})
    assert dataset["temporal_end"] == "2023-02-01" and not dataset.get("temporal_start")
    assert any("lies before the box's creation date" in m for m in object_messages(job))
