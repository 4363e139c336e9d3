"""The dataset form uses the same schema: errors show in the form, valid input is saved."""
import pytest

from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def sysadmin_headers():
    return {"Authorization": factories.SysadminWithToken()["token"]}


def form(org_id, **changes):
    data = {"name": "formular-test", "title": "Formular-Test", "notes": "Angelegt im Formular.",
            "owner_org": org_id, "handlungsfeld": ["mobilitaet-verkehr", "teilhabe-kultur"],
            "save": "continue", "_ckan_phase": "dataset_new_1", "pkg_name": ""}
    data.update(changes)
    return data


def test_form_errors_are_shown_in_german(app, sysadmin_headers):
    org = factories.Organization()
    response = app.post("/dataset/new", data=form(org["id"], handlungsfeld="", contact_email="keine-adresse"),
                        headers=sysadmin_headers)
    assert response.status_code == 200
    assert "Bitte eine gültige E-Mail-Adresse angeben" in response.body
    assert "Fehlender Wert" in response.body
    assert helpers.call_action("package_search", q="name:formular-test")["count"] == 0


def test_valid_form_input_is_saved(app, sysadmin_headers):
    org = factories.Organization()
    response = app.post("/dataset/new", data=form(org["id"]), headers=sysadmin_headers,
                        follow_redirects=False)
    assert response.status_code == 302, response.body[:2000]
    dataset = helpers.call_action("package_show", id="formular-test")
    assert dataset["handlungsfeld"] == ["mobilitaet-verkehr", "teilhabe-kultur"]


def test_english_keywords_are_edited_as_one_line_and_shown_in_english(app, sysadmin_headers):
    org = factories.Organization()
    app.post("/dataset/new", data=form(org["id"], keywords_en="air quality, real time"),
             headers=sysadmin_headers, follow_redirects=False)
    assert helpers.call_action("package_show", id="formular-test")["keywords_en"] == ["air quality", "real time"]

    edit_page = app.get("/dataset/edit/formular-test", headers=sysadmin_headers).body
    assert 'value="air quality, real time"' in edit_page
    response = app.post("/dataset/edit/formular-test", headers=sysadmin_headers, follow_redirects=False,
                        data={**form(org["id"], keywords_en="air quality, real time, lake"), "save": ""})
    assert response.status_code == 302, response.body[:2000]
    assert helpers.call_action("package_show", id="formular-test")["keywords_en"] == [
        "air quality", "real time", "lake"]

    # published (the form leaves a new dataset a draft until its first resource)
    helpers.call_action("package_patch", {"user": factories.Sysadmin()["name"]}, id="formular-test",
                        state="active")
    page = app.get("/dataset/formular-test").body
    assert '<li lang="en"><a href="/dataset/?q=keywords_en:%22lake%22">lake</a></li>' in page
    assert helpers.call_action("package_search", q='keywords_en:"real time"')["count"] == 1
    assert helpers.call_action("package_search", q="lake")["count"] == 1
