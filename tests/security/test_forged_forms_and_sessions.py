"""Attacks on forms and sessions from issue 28's probe, through CKAN's app:

* CSRF switched itself off: after one API-token request to a view, a forged
  form POST with an editor's cookie (no CSRF token) changed a dataset;
* logout did not end the session: the cookie from before still opened the
  dashboard (and a "remember me" cookie would outlive any logout)."""
import re

import pytest

from ckan.tests import factories, helpers

from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
PASSWORD = "Korrekt-Pferd-Batterie-42"


def csrf_token(page):
    return re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)


def session_cookie(app):
    found = [cookie for (_domain, _path, key), cookie in app.client._cookies.items() if key == "ckan"]
    assert len(found) == 1, found
    return found[0]


def log_in(app, user, **extra):
    token = csrf_token(app.get("/user/login").body)
    answer = app.post("/user/login", data={"login": user["name"], "password": PASSWORD, "_csrf_token": token,
                                           **extra}, follow_redirects=False)
    assert answer.status_code == 302, answer.body[:1000]
    return answer


@pytest.fixture
def editor_and_dataset():
    user = factories.User(password=PASSWORD)
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = helpers.call_action("package_create", {"user": user["name"]}, **minimal_dataset(org["id"]))
    token = helpers.call_action("api_token_create", {"user": user["name"]}, user=user["name"], name="t")["token"]
    return user, dataset, token


def edit_form(dataset, title):
    return {"name": dataset["name"], "title": title, "notes": dataset["notes"], "owner_org": dataset["owner_org"],
            "handlungsfeld": dataset["handlungsfeld"], "save": ""}


def test_a_forged_form_is_refused_even_after_a_token_request_reached_the_same_view(app, editor_and_dataset):
    user, dataset, token = editor_and_dataset
    # The attacker's own token request to the edit view (it may fail: it only has to reach the view)
    app.post(f"/dataset/edit/{dataset['name']}", data=edit_form(dataset, "Per Token"),
             headers={"Authorization": token})
    log_in(app, user)
    forged = app.post(f"/dataset/edit/{dataset['name']}", data=edit_form(dataset, "Gefälscht"),
                      follow_redirects=False)
    assert forged.status_code in (400, 403), forged.status_code
    assert helpers.call_action("package_show", id=dataset["id"])["title"] != "Gefälscht"


def test_a_form_with_its_csrf_token_still_saves(app, editor_and_dataset):
    user, dataset, _token = editor_and_dataset
    log_in(app, user)
    page = app.get(f"/dataset/edit/{dataset['name']}").body
    answer = app.post(f"/dataset/edit/{dataset['name']}",
                      data={**edit_form(dataset, "Echt geändert"), "_csrf_token": csrf_token(page)},
                      follow_redirects=False)
    assert answer.status_code == 302, answer.body[:2000]
    assert helpers.call_action("package_show", id=dataset["id"])["title"] == "Echt geändert"


def test_after_logout_the_old_session_cookie_opens_nothing(app, editor_and_dataset):
    user, _dataset, _token = editor_and_dataset
    log_in(app, user)
    assert app.get("/dashboard/datasets", follow_redirects=False).status_code == 200
    stolen = session_cookie(app)
    page = app.get("/dashboard/datasets").body
    app.post("/user/_logout", data={"_csrf_token": csrf_token(page)})
    app.client.set_cookie("ckan", stolen.value, domain=stolen.domain)
    answer = app.get("/dashboard/datasets", follow_redirects=False)
    assert answer.status_code in (302, 401, 403), answer.status_code


def test_no_remember_me_cookie_is_set_even_when_a_form_asks_for_one(app, editor_and_dataset):
    user, _dataset, _token = editor_and_dataset
    assert 'name="remember"' not in app.get("/user/login").body
    answer = log_in(app, user, remember="63072000")
    assert "remember_token" not in " ".join(answer.headers.getlist("Set-Cookie"))


def test_the_session_lives_in_redis_and_the_cookie_only_names_it(app, editor_and_dataset):
    from ckan.lib.redis import connect_to_redis
    user, _dataset, _token = editor_and_dataset
    log_in(app, user)
    session_id = session_cookie(app).value
    stored = connect_to_redis().get("session:" + session_id)
    assert stored and user["id"].encode() in stored
