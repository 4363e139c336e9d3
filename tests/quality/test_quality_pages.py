"""Metadata quality as users meet it: `ckan smartcityms check-links` queues the
job, a real `ckan jobs worker` works it off (links asked on a loopback
server), then the action, the editors' box on the dataset page and the
dashboard show the scores."""
import pathlib
import subprocess
import sys

import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from ckanext.smartcityms import cache
from ckanext.smartcityms.quality import links, score
from tests.datasets import full_dataset, minimal_dataset
from tests.replay import Response

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def assessed(cli, replay_server):
    redis = cache.redis_connection()
    redis.delete(cache.key(links.RESULTS), cache.key(score.SUMMARIES))
    replay_server.routes["/aasee.csv"] = Response(b"zeit;temperatur\n", content_type="text/csv")
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster", image_url="")
    good = full_dataset(org["id"])
    good["resources"][0].update(url=replay_server.url("/aasee.csv"), download_url=replay_server.url("/aasee.csv"))
    poor = minimal_dataset(org["id"])
    poor["resources"][0]["url"] = replay_server.url("/weg.csv")  # 404
    made = [helpers.call_action("package_create", {"user": sysadmin["name"]}, **d) for d in (good, poor)]

    result = cli.invoke(ckan_command, ["smartcityms", "check-links"])
    assert result.exit_code == 0 and "queued" in result.output, result.output
    ckan = str(pathlib.Path(sys.executable).with_name("ckan"))
    worker = subprocess.run([ckan, "-c", tk.config["__file__"], "jobs", "worker", "--burst"],
                            capture_output=True, text=True, timeout=600)
    assert worker.returncode == 0, worker.stderr[-3000:]
    return sysadmin, made


def test_the_job_worker_checks_links_and_the_action_shows_the_score(assessed, replay_server):
    _sysadmin, (good, poor) = assessed
    assert replay_server.requests.count("/aasee.csv") == 1  # access and download URL are the same: asked once
    best = helpers.call_action("smartcityms_quality_show", id=good["name"])
    assert (best["score"], best["rating"], best["maximum"]) == (405, "excellent", 405)
    assert best["links"][replay_server.url("/aasee.csv")]["status"] == 200
    weak = helpers.call_action("smartcityms_quality_show", id=poor["name"])
    access = next(i for i in weak["indicators"] if i["key"] == "access_url_answers")
    assert (access["earned"], access["unknown"]) == (0, False)
    assert weak["score"] == 185 - 50 and weak["rating"] == "sufficient"
    assert weak["links"][replay_server.url("/weg.csv")]["status"] == 404


def test_editors_see_what_is_missing_others_do_not(app, assessed):
    sysadmin, (_good, poor) = assessed
    token = sysadmin["token"]
    page = app.get(f"/dataset/{poor['name']}", headers={"Authorization": token}).body
    assert 'id="quality-heading"' in page and "135 / 405" in page and "Schlagwörter vergeben." in page
    assert 'id="quality-heading"' not in app.get(f"/dataset/{poor['name']}").body  # the footer links the dashboard
    english = app.get(f"/en/dataset/{poor['name']}", headers={"Authorization": token}).body
    assert "Metadata quality" in english and "Add keywords (tags)." in english


def test_the_dashboard_lists_organizations_and_handlungsfelder_weakest_first(app, assessed):
    page = app.get("/qualitaet").body
    assert "Metadatenqualität nach Organisation" in page and "Stadt Münster" in page
    assert page.index("Radverkehr: Zählstellen") < page.index("Aasee-Monitoring: Wassertemperatur")
    assert "Mobilität &amp; Verkehr" in page and "Umwelt" in page
    assert "Metadata quality by organization" in app.get("/en/qualitaet").body
