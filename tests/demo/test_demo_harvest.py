"""`make demo` harvests real recorded data: the replay server, the demo's
sources and `ckan smartcityms demo-harvest`, run as bin/demo runs them
(separate processes: replay server, gather and fetch consumers, the command)."""
import hashlib
import json
import pathlib
import subprocess
import sys
import time
import urllib.request

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command

from tests.browser import free_port
from tests.replay import shared_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "ckanext-smartcityms" / "demo" / "recordings"
CKAN = str(pathlib.Path(sys.executable).with_name("ckan"))


@pytest.mark.fast
def test_the_shipped_recordings_are_byte_identical_to_the_fixtures_and_named_in_the_notice():
    notice = (RECORDINGS / "NOTICE").read_text("utf-8")
    files = [p for p in RECORDINGS.rglob("*") if p.is_file() and p.name != "NOTICE"]
    assert len(files) >= 9
    for path in files:
        relative = path.relative_to(RECORDINGS)
        assert path.read_bytes() == shared_file(f"fixtures/{relative}").read_bytes(), relative
        assert f"{relative}  sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}" in notice
        assert path.name in notice.split("Files and checksums:")[0], f"{relative}: source not named"


def started(*args):
    return subprocess.Popen(list(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_answering(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return urllib.request.urlopen(url, timeout=2).read()
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def demo_harvest(replay_url):
    return subprocess.run([CKAN, "-c", tk.config["__file__"], "smartcityms", "demo-harvest",
                           "--replay-url", replay_url, "--wait", "240"],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.usefixtures("with_plugins", "clean_datastore", "queues_empty")
def test_the_demo_harvests_every_recorded_feed_through_the_consumers_and_again_changes_nothing(cli):
    assert cli.invoke(ckan_command, ["smartcityms", "demo-content"]).exit_code == 0
    port = free_port()
    replay_url = f"http://127.0.0.1:{port}"
    processes = [started(sys.executable, "-m", "ckanext.smartcityms.demo.replay", "--port", str(port))]
    try:
        wait_until_answering(replay_url + "/boxes")
        processes += [started(CKAN, "-c", tk.config["__file__"], "smartcityms", "harvest-consumer", stage)
                      for stage in ("gather", "fetch")]
        first = demo_harvest(replay_url)
        assert first.returncode == 0, first.stderr[-3000:]
        model.Session.remove()
        boxes = tk.get_action("package_search")({}, {"q": "*:*", "fq": "name:sensebox-*", "rows": 0})["count"]
        total = tk.get_action("package_search")({}, {"q": "*:*", "rows": 0})["count"]
        names = [d["name"] for d in tk.get_action("package_search")({}, {"q": "*:*", "rows": 100})["results"]]
        assert boxes == 20 + 1, sorted(names)  # the recorded boxes, and the demo content's own senseBox
        for name in ("parkleitsystem", "aasee-messwerte", "swms-fahrplan-gtfs", "swms-busradar", "park-and-ride"):
            dataset = tk.get_action("package_show")({}, {"id": name})
            tables = [r for r in dataset["resources"] if r.get("datastore_active")]
            if name != "park-and-ride":
                assert tables, name
            for table in tables:
                rows = tk.get_action("datastore_search")({}, {"resource_id": table["id"], "limit": 1})
                assert rows["total"] > 0, (name, table["name"])
                views = tk.get_action("resource_view_list")({}, {"id": table["id"]})
                assert "datatables_view" in [v["view_type"] for v in views], (name, table["name"])
        assert "opensensemap-demo: added 20" in first.stdout and "stadtwerke-demo: added 5" in first.stdout

        again = demo_harvest(replay_url)
        assert again.returncode == 0, again.stderr[-3000:]
        assert "added 0" in again.stdout.splitlines()[0] and "added 0" in again.stdout.splitlines()[1]
        model.Session.remove()
        assert tk.get_action("package_search")({}, {"q": "*:*", "rows": 0})["count"] == total
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_without_the_demo_organizations_the_command_says_what_to_do():
    done = demo_harvest("http://127.0.0.1:9")
    assert done.returncode == 1
    assert "demo-content" in done.stderr
