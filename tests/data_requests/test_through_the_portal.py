"""A data request as people make it, through `ckan run`: an anonymous visitor
fills in the form (CSRF token, session cookie, the time a person needs), an
editor answers it on the request's page until it is published, the list,
its status filter and the Atom feed (read by feedparser) show it; the
contact appears nowhere for anyone else (pages, API, feed, DCAT); the sixth
request within a minute is refused with a message; and the pages pass axe
in Chromium in German and English."""
import re
import time

import feedparser
import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.web.test_accessibility import check

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "fresh_limits")
EMAIL = "hack.team@example.org"


def form_fields(page):
    return {"_csrf_token": re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1),
            "shown": re.search(r'name="shown" value="([^"]+)"', page).group(1)}


def send_wish(session, url, wait=True, **fields):
    form = session.get(url + "/datenwuensche/neu")
    assert form.status_code == 200
    if wait:
        time.sleep(tk.config.get("ckanext.smartcityms.data_request_min_form_seconds") + 0.2)
    values = {"title": "Lärmmessungen an der Promenade",
              "description": "Lärmpegel entlang der Promenade, stündlich, mit Ort der Messstelle.",
              "intended_use": "Eine ruhige Radroute für unsere Münsterhack-App",
              "contact_name": "Team Ruhe", "contact_email": EMAIL, "website": "", **fields}
    return session.post(url + "/datenwuensche/neu", data={**form_fields(form.text), **values})


def test_an_anonymous_wish_goes_from_open_to_published_and_its_contact_stays_private(catalogue, live_ckan):
    session = requests.Session()
    sent = send_wish(session, live_ckan.url)
    assert sent.status_code == 200, sent.text[-3000:]
    request_path = re.search(r'href="(/datenwuensche/[0-9a-f-]{36})"', sent.text).group(1)
    delete_link = re.search(r'href="([^"]+/kontakt-loeschen\?key=[^"]+)"', sent.text).group(1)

    listing = requests.get(live_ckan.url + "/datenwuensche?status=open", timeout=30).text
    assert request_path in listing and "Offen" in listing

    editor = factories.User()
    helpers.call_action("organization_member_create", {"ignore_auth": True}, id="stadt-muenster",
                        username=editor["name"], role="editor")
    token = helpers.call_action("api_token_create", {"user": editor["name"]}, user=editor["name"], name="t")["token"]
    as_editor = {"Authorization": token}
    page = requests.get(live_ckan.url + request_path, headers=as_editor, timeout=30).text
    assert EMAIL in page and "Team Ruhe" in page  # the editor sees whom to ask
    for change in ({"status": "in_progress", "answer": "", "dataset": "", "handlungsfeld": "umwelt-energie-klima"},
                   {"status": "published", "answer": "Die Messwerte sind jetzt im Portal.", "dataset": "aasee",
                    "handlungsfeld": "umwelt-energie-klima"}):
        answered = requests.post(live_ckan.url + request_path, data=change, headers=as_editor, timeout=30,
                                 allow_redirects=False)
        assert answered.status_code == 303, answered.text[-2000:]
    refused = requests.post(live_ckan.url + request_path, data={"status": "published", "dataset": ""},
                            headers=as_editor, timeout=30)
    assert refused.status_code == 400 and "Nennen Sie den Datensatz" in refused.text

    public = requests.get(live_ckan.url + request_path, timeout=30).text
    assert "Veröffentlicht" in public and 'href="/dataset/aasee"' in public
    assert request_path in requests.get(live_ckan.url + "/datenwuensche?status=published", timeout=30).text
    assert request_path not in requests.get(live_ckan.url + "/datenwuensche?status=open", timeout=30).text
    feed = feedparser.parse(requests.get(live_ckan.url + "/datenwuensche/feed.atom", timeout=30).content)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == ["Lärmmessungen an der Promenade (Veröffentlicht)"]

    # Nobody else meets the contact: pages, Action API, feed, DCAT, the dataset it answered.
    request_id = request_path.rsplit("/", 1)[-1]
    citizen = factories.User()
    citizen_token = helpers.call_action("api_token_create", {"user": citizen["name"]}, user=citizen["name"],
                                        name="t")["token"]
    for headers in ({}, {"Authorization": citizen_token}):
        for path in (request_path, "/datenwuensche", "/datenwuensche?status=published", "/datenwuensche/feed.atom",
                     f"/api/3/action/smartcityms_data_request_show?id={request_id}",
                     "/api/3/action/smartcityms_data_request_list", "/catalog.ttl", "/dataset/aasee",
                     "/en" + request_path):
            answer = requests.get(live_ckan.url + path, headers=headers, timeout=60)
            assert answer.status_code == 200, path
            assert EMAIL not in answer.text and "Team Ruhe" not in answer.text, (path, headers)

    # The requester deletes the contact with the link they were given.
    form = session.get(live_ckan.url + delete_link.removeprefix(tk.config["ckan.site_url"].rstrip("/")))
    deleted = session.post(live_ckan.url + request_path + "/kontakt-loeschen", data={
        "_csrf_token": re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1),
        "deletion_key": re.search(r'name="deletion_key" type="text" value="([^"]+)"', form.text).group(1)})
    assert deleted.status_code == 200 and "gelöscht" in deleted.text
    assert EMAIL not in requests.get(live_ckan.url + request_path, headers=as_editor, timeout=30).text


def test_a_form_sent_back_at_once_and_the_sixth_within_a_minute_are_refused(catalogue, live_ckan):
    session = requests.Session()
    too_fast = send_wish(session, live_ckan.url, wait=False, title="Schneller als ein Mensch")
    assert too_fast.status_code == 400 and "schneller" in too_fast.text
    # a form refused before it reached the action does not count: five pass, the sixth is refused
    for number in range(5):
        assert send_wish(session, live_ckan.url, title=f"Datenwunsch Nummer {number}").status_code == 200
    sixth = send_wish(session, live_ckan.url, title="Datenwunsch Nummer sechs")
    assert sixth.status_code == 429 and "höchstens 5 pro Minute" in sixth.text
    api = requests.post(live_ckan.url + "/api/3/action/smartcityms_data_request_create", timeout=30, json={
        "title": "Noch ein Wunsch", "description": "Eine Beschreibung, die lang genug ist.",
        "intended_use": "Für eine Auswertung"}).json()
    assert not api["success"] and "höchstens 5 pro Minute" in str(api["error"]["message"])
    assert helpers.call_action("smartcityms_data_request_list")["count"] == 5


def test_data_request_pages_pass_axe_in_german_and_english(catalogue, live_ckan):
    created = helpers.call_action("smartcityms_data_request_create", {"user": ""}, title="Baumkataster Münster",
                                  description="Alle Straßenbäume mit Art, Alter und Standort.",
                                  intended_use="Eine Karte der Schattenplätze")
    paths = ["/datenwuensche", "/datenwuensche/neu", f"/datenwuensche/{created['id']}",
             f"/datenwuensche/{created['id']}/kontakt-loeschen"]
    results = check([live_ckan.url + prefix + path for prefix in ("", "/en") for path in paths])
    problems = {url: found["violations"] for url, found in results.items()
                if found["violations"] or found["status"] != 200}
    assert not problems, problems
