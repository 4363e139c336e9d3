"""Autocomplete of titles and "Did you mean …?", as people and the API meet them."""
import json
import os
import subprocess

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.browser import LiveCKAN, chromium
from tests.datasets import minimal_dataset
from tests.web.test_accessibility import CHECKER

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
SEARCH_BOX = CHECKER.with_name("search_box.mjs")


@pytest.fixture
def datasets():
    org = factories.Organization()
    context = {"user": factories.Sysadmin()["name"]}
    for name, title, private in [("parkhaeuser", "Parkhäuser: Belegung", False),
                                 ("parkplaetze", "Parkplätze am Hafen", False),
                                 ("radzaehlung", "Radverkehr: Zählstellen", False),
                                 ("parkhaus-intern", "Parkhaus-Abrechnung intern", True)]:
        helpers.call_action("package_create", dict(context), **minimal_dataset(
            org["id"], name=name, title=title, private=private,
            notes="Fahrradzählungen und Belegung in Münster."))
    return org


def suggest(app, q, **params):
    answer = app.get("/api/3/action/smartcityms_dataset_suggest", query_string={"q": q, **params}, status=200)
    return [d["name"] for d in answer.json["result"]]


def test_word_beginnings_of_titles_are_suggested_with_either_spelling(app, datasets):
    assert set(suggest(app, "Park")) == {"parkhaeuser", "parkplaetze"}
    assert suggest(app, "parkhae") == ["parkhaeuser"]
    assert suggest(app, "Parkhäu") == ["parkhaeuser"]
    assert suggest(app, "Zählst") == ["radzaehlung"]
    assert suggest(app, "park hafen") == ["parkplaetze"]
    assert suggest(app, "p") == []


def test_private_datasets_are_suggested_only_to_who_may_see_them(app, datasets):
    assert "parkhaus-intern" not in suggest(app, "Parkhaus")
    sysadmin = factories.SysadminWithToken()
    answer = app.get("/api/3/action/smartcityms_dataset_suggest", query_string={"q": "Parkhaus"},
                     headers={"Authorization": sysadmin["token"]}, status=200)
    assert "parkhaus-intern" in [d["name"] for d in answer.json["result"]]


def test_query_syntax_and_hostile_input_are_plain_text(app, datasets):
    for text in ['park" OR *:*', "{!lucene}park", "park)(", "\x00park", "ä" * 200, "title:park"]:
        assert set(suggest(app, text)) <= {"parkhaeuser", "parkplaetze"}, text
    # longer than the API description's bound: refused, naming the parameter (was cut and accepted)
    too_long = app.get("/api/3/action/smartcityms_dataset_suggest", query_string={"q": "ä" * 201}, status=409)
    assert "q" in too_long.json["error"]
    answer = app.get("/api/3/action/smartcityms_dataset_suggest", query_string={"q": "park", "rows": "viele"},
                     status=409)
    assert "rows" in answer.json["error"]


def test_a_misspelt_search_offers_the_spelling_that_finds_datasets(app, datasets):
    page = app.get("/dataset/", query_string={"q": "Radferkehr"}, status=200).body
    assert "Meinten Sie" in page and ">Radverkehr</a>" in page
    english = app.get("/en/dataset/", query_string={"q": "Belegunk"}, status=200).body
    assert "Did you mean" in english and ">Belegung</a>" in english
    # nothing to correct, nothing offered
    assert "Meinten Sie" not in app.get("/dataset/", query_string={"q": "Belegung"}).body
    # a word only a private dataset holds is never offered to the public
    assert "Meinten Sie" not in app.get("/dataset/", query_string={"q": "Abrechnunk"}).body


def test_the_search_box_works_by_keyboard_in_a_browser_without_wcag_violations(datasets):
    server = LiveCKAN(tk.config["__file__"])
    try:
        done = subprocess.run(["node", str(SEARCH_BOX), server.url + "/dataset/", "Parkh"], capture_output=True,
                              text=True, timeout=120, cwd=SEARCH_BOX.parent,
                              env=dict(os.environ, SCMS_CHROMIUM=chromium()))
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["options"] == ["Parkhäuser: Belegung"], result
    assert result["expanded"] == "true" and result["activeOption"] == "Parkhäuser: Belegung", result
    assert result["axe"] == [], result
    assert result["afterEscape"] == "false", result
    assert result["landedOn"] == "/dataset/parkhaeuser", result
