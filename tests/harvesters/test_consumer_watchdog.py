"""A fetch consumer that is killed or hangs in the middle of an object, through
real consumer processes (`ckan smartcityms harvest-consumer`).

The object is a Stadtwerke feed whose download the replay server holds back,
so the consumer is caught while it works on it. ckanext-harvest's ticker
(`harvest_jobs_run`) sends an unacknowledged object again after 3 minutes;
the tests let that time pass by back-dating the message's in-progress mark,
and call the real ticker.
"""
import datetime
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.harvest import queue as harvest_queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.smartcityms.harvesters.watchdog import CLAIM_PREFIX, EXIT_STALLED
from tests.replay import Response

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "queues_empty")

LAYER = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "Dom"}, "geometry": {"type": "Point", "coordinates": [7.62, 51.96]}}]}
CLAIM_SECONDS = 2
ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKING = ("FETCH", "IMPORT")


@pytest.fixture
def consumers(tmp_path):
    """Starts consumer processes with a short claim (and, if asked, a short stall limit)."""
    ckan = str(pathlib.Path(sys.executable).with_name("ckan"))
    started = []

    def start(stage, name, stall_seconds=600, heartbeat_seconds=None):
        """With heartbeat_seconds: under bin/supervise with that heartbeat, as bin/portal runs it."""
        ini = tmp_path / f"{name}.ini"
        ini.write_text(f"[app:main]\nuse = config:{tk.config['__file__']}\n"
                       f"ckanext.smartcityms.harvest_claim_seconds = {CLAIM_SECONDS}\n"
                       f"ckanext.smartcityms.harvest_stall_seconds = {stall_seconds}\n", "utf-8")
        log = tmp_path / f"{name}.log"
        command = [ckan, "-c", str(ini), "smartcityms", "harvest-consumer", stage]
        if heartbeat_seconds is not None:
            command = [str(ROOT / "bin" / "supervise"), name, "--heartbeat", str(heartbeat_seconds)] + command
        process = subprocess.Popen(command, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        process.log = log
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
    for process in started:
        process.wait(timeout=60)


def slow_feed_job(replay_server, delay):
    replay_server.routes["/layer.geojson"] = Response(json.dumps(LAYER), content_type="application/geo+json",
                                                      delay=delay)
    context = {"user": factories.Sysadmin()["name"]}
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": "langsam", "title": "Langsam", "url": replay_server.url("/layer.geojson"),
        "source_type": "stadtwerke_ms", "owner_org": factories.Organization()["id"], "frequency": "MANUAL",
        "config": json.dumps({"timeout": 120, "feeds": [{"id": "haltestellen", "kind": "geojson",
                                                         "licence": "dl-zero-de/2.0",
                                                         "url": replay_server.url("/layer.geojson")}]})})
    job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"]})
    tk.get_action("harvest_send_job_to_gather_queue")(dict(context), {"id": job["id"]})
    return context, source, job


def wait_for(condition, what, seconds=60, logs=()):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}\n" + "\n".join(p.read_text()[-2000:] for p in logs)
        time.sleep(0.3)


def the_object(job):
    model.Session.remove()
    return model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"]).one_or_none()


def claim_of(object_id):
    return harvest_queue.get_connection().get(CLAIM_PREFIX + object_id)


def three_minutes_pass():
    """Back-date every fetch message's in-progress mark, as if ckanext-harvest's 3 minutes were over."""
    connection = harvest_queue.get_connection()
    old = str(datetime.datetime.now() - datetime.timedelta(minutes=4))
    for key in connection.keys(harvest_queue.get_fetch_routing_key() + ":*"):
        connection.set(key, old)


def run_ticker_until_finished(context, source, job, logs):
    deadline = time.monotonic() + 120
    while True:
        tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
        model.Session.remove()
        if model.Session.get(HarvestJob, job["id"]).status == "Finished":
            return
        assert time.monotonic() < deadline, "\n".join(p.read_text()[-3000:] for p in logs)
        time.sleep(1)


def test_an_object_of_a_killed_consumer_is_taken_over_and_a_slow_one_is_not(replay_server, consumers):
    context, source, job = slow_feed_job(replay_server, delay=20)
    gather = consumers("gather", "gather")
    first = consumers("fetch", "fetch-1")
    wait_for(lambda: (the_object(job) is not None and the_object(job).state in WORKING
                      and claim_of(the_object(job).id)), "the first consumer never claimed the object",
             logs=[gather.log, first.log])
    harvest_object = the_object(job)

    # Alive but slow: the object sent again is left to the first consumer.
    second = consumers("fetch", "fetch-2")
    three_minutes_pass()
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
    wait_for(lambda: "being worked on by a running consumer" in second.log.read_text(),
             "the second consumer did not leave the slow object alone", logs=[second.log])
    assert the_object(job).state in WORKING

    # Killed: its claim runs out, and the object sent again is taken over.
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    replay_server.routes["/layer.geojson"].delay = 0
    wait_for(lambda: claim_of(harvest_object.id) is None, "the claim of the killed consumer did not run out",
             seconds=CLAIM_SECONDS * 5)
    three_minutes_pass()
    run_ticker_until_finished(context, source, job, [second.log])

    assert "takes it over" in second.log.read_text()
    done = the_object(job)
    assert (done.state, done.current) == ("COMPLETE", True), second.log.read_text()[-3000:]
    names = [d.name for d in model.Session.query(model.Package).filter_by(state="active", type="dataset")]
    assert names == ["haltestellen"]


def test_a_hung_consumer_gives_up_its_object_and_ends_for_its_supervisor(replay_server, consumers):
    context, source, job = slow_feed_job(replay_server, delay=60)
    gather = consumers("gather", "gather")
    hung = consumers("fetch", "fetch-hung", stall_seconds=4)
    wait_for(lambda: the_object(job) is not None and the_object(job).state in WORKING,
             "the consumer never started on the object", logs=[gather.log, hung.log])
    started = time.monotonic()
    assert hung.wait(timeout=60) == EXIT_STALLED, hung.log.read_text()[-3000:]
    assert time.monotonic() - started < 30
    assert "made no progress for" in hung.log.read_text()
    assert claim_of(the_object(job).id) is None  # given up at once, not only after it expires

    # What bin/supervise does: a new consumer, which takes the object over once it is sent again.
    replay_server.routes["/layer.geojson"].delay = 0
    restarted = consumers("fetch", "fetch-restarted")
    three_minutes_pass()
    run_ticker_until_finished(context, source, job, [restarted.log])
    assert the_object(job).state == "COMPLETE"
    assert "takes it over" in restarted.log.read_text()


def consumer_processes(supervisor):
    """The pids of the consumer processes a bin/supervise process has started and not reaped."""
    found = subprocess.run(["pgrep", "-P", str(supervisor.pid)], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found
            if b"harvest-consumer" in pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()]


def test_a_consumer_stuck_beyond_its_own_watchdog_is_killed_by_its_supervisor(replay_server, consumers):
    """A C call that holds the GIL stops every thread of the consumer, its watchdog too;
    here the consumer is stopped outright (SIGSTOP), which looks the same from outside."""
    context, source, job = slow_feed_job(replay_server, delay=60)
    gather = consumers("gather", "gather")
    supervised = consumers("fetch", "fetch-stuck", heartbeat_seconds=3)
    wait_for(lambda: (the_object(job) is not None and the_object(job).state in WORKING
                      and claim_of(the_object(job).id)), "the consumer never claimed the object",
             logs=[gather.log, supervised.log])
    harvest_object = the_object(job)
    [stuck] = consumer_processes(supervised)
    os.kill(stuck, signal.SIGSTOP)

    wait_for(lambda: "gave no sign of life" in supervised.log.read_text(),
             "bin/supervise did not notice the stuck consumer", seconds=30, logs=[supervised.log])
    wait_for(lambda: consumer_processes(supervised) not in ([], [stuck]),
             "bin/supervise did not start a new consumer", seconds=30, logs=[supervised.log])
    with pytest.raises(ProcessLookupError):
        os.kill(stuck, 0)
    wait_for(lambda: claim_of(harvest_object.id) is None, "the stuck consumer's claim did not run out",
             seconds=CLAIM_SECONDS * 5)

    replay_server.routes["/layer.geojson"].delay = 0
    three_minutes_pass()
    run_ticker_until_finished(context, source, job, [supervised.log])
    done = the_object(job)
    assert (done.state, done.current) == ("COMPLETE", True), supervised.log.read_text()[-3000:]
    assert "takes it over" in supervised.log.read_text()
