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
