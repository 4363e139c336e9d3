"""Handlungsfelder and projects: seeded idempotently, maintained by sysadmins in the web UI."""
import pytest

from ckan.tests import factories, helpers

from ckanext.smartcityms import strategy
from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def sysadmin_headers():
    return {"Authorization": factories.SysadminWithToken()["token"]}


def project_form(**changes):
    form = {"slug": "smarte-parkbank", "title_de": "Smarte Parkbank", "title_en": "Smart bench",
            "description_de": "Bänke mit Solarstrom und Sensoren.", "description_en": "Benches with solar power.",
            "status": "im Gespräch", "handlungsfelder": ["wohnen-leben"], "partners": "Stadt Münster, Münsterhack",
            "origin": "Münsterhack 2026"}
    form.update(changes)
    return form


def test_seed_is_idempotent_and_keeps_web_edits(cli, app, sysadmin_headers):
    from ckanext.smartcityms.cli import smartcityms
    first = cli.invoke(smartcityms, ["seed"])
    assert first.exit_code == 0, first.output
    assert "handlungsfelder: 6 created" in first.output and "projekte: 17 created" in first.output
    again = cli.invoke(smartcityms, ["seed"])
    assert "handlungsfelder: 0 created, 0 updated, 6 unchanged, 0 kept" in again.output
    assert "projekte: 0 created, 0 updated, 17 unchanged, 0 kept" in again.output

    app.post("/ckan-admin/strategie/projekt/new", data=project_form(), headers=sysadmin_headers)
    after_edit = cli.invoke(smartcityms, ["seed"])
    assert "projekte: 0 created, 0 updated, 17 unchanged, 1 kept" in after_edit.output
    assert strategy.projekt("smarte-parkbank")["title"]["en"] == "Smart bench"


def test_a_sysadmin_adds_a_project_that_datasets_can_use(app, sysadmin_headers):
    page = app.get("/ckan-admin/strategie/projekt/new", headers=sysadmin_headers)
    assert 'name="handlungsfelder"' in page.body
    saved = app.post("/ckan-admin/strategie/projekt/new", data=project_form(), headers=sysadmin_headers,
                     follow_redirects=False)
    assert saved.status_code == 302, saved.body[:3000]
    project_page = app.get("/projekt/smarte-parkbank").body
    assert "Smarte Parkbank" in project_page and "Münsterhack 2026" in project_page and "im Gespräch" in project_page
    org = factories.Organization()
    dataset = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                                  **minimal_dataset(org["id"], projekt=["smarte-parkbank"]))
    assert dataset["projekt"] == ["smarte-parkbank"]


def test_invalid_input_is_shown_in_the_form(app, sysadmin_headers):
    response = app.post("/ckan-admin/strategie/projekt/new", headers=sysadmin_headers,
                        data=project_form(slug="Kein Slug!", title_de="", handlungsfelder=[]))
    assert response.status_code == 200
    assert "2 bis 61 Kleinbuchstaben, Ziffern und Bindestriche" in response.body
    assert "Mindestens ein Handlungsfeld" in response.body
    taken = app.post("/ckan-admin/strategie/projekt/new", headers=sysadmin_headers,
                     data=project_form(slug="leezenflow"))
    assert "Leezenflow" in taken.body and taken.status_code == 200
    assert strategy.projekt("kein-slug") is None


def test_renaming_keeps_old_addresses_and_finds_old_datasets(app, sysadmin_headers):
    org = factories.Organization()
    old = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                              **minimal_dataset(org["id"], handlungsfeld=["mobilitaet-verkehr"]))
    field = strategy.handlungsfeld("mobilitaet-verkehr")
    form = {"slug": "mobilitaet", "title_de": "Mobilität", "title_en": "Mobility",
            "description_de": field["description"]["de"], "description_en": field["description"]["en"],
            "zukunftsfragen_de": "\n".join(field["zukunftsfragen"]["de"]),
            "zukunftsfragen_en": "\n".join(field["zukunftsfragen"]["en"]), "eu_themes": ["TRAN"]}
    saved = app.post("/ckan-admin/strategie/handlungsfeld/mobilitaet-verkehr/edit", data=form,
                     headers=sysadmin_headers, follow_redirects=False)
    assert saved.status_code == 302, saved.body[:3000]

    moved = app.get("/handlungsfeld/mobilitaet-verkehr", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/handlungsfeld/mobilitaet")
    assert "Mobilität" in app.get("/handlungsfeld/mobilitaet").body
    # The dataset saved with the old slug is found under the new one, and still valid.
    assert helpers.call_action("package_search", fq="handlungsfeld:mobilitaet")["count"] == 1
    updated = helpers.call_action("package_patch", {"user": factories.Sysadmin()["name"]},
                                  id=old["id"], notes="geändert")
    assert updated["handlungsfeld"] == ["mobilitaet"]
    assert strategy.handlungsfeld("mobilitaet-verkehr")["slug"] == "mobilitaet"
    assert strategy.handlungsfeld("Mobilität")["slug"] == "mobilitaet"  # the beta alias too


def test_retiring_hides_an_entry_from_new_choices_but_keeps_it_readable(app, sysadmin_headers):
    project = strategy.projekt("urban-air-mobility")
    form = project_form(slug=project["slug"], title_de=project["title"]["de"], status=project["status"],
                        handlungsfelder=project["handlungsfelder"], retired="1")
    app.post("/ckan-admin/strategie/projekt/urban-air-mobility/edit", data=form, headers=sysadmin_headers)
    assert "urban-air-mobility" not in [p["slug"] for p in strategy.projekte()]
    assert "Dieser Eintrag wurde eingestellt" in app.get("/projekt/urban-air-mobility").body
    assert 'href="/projekt/urban-air-mobility"' not in app.get("/projekte").body


def test_only_sysadmins_may_change_reference_data(app):
    user = factories.UserWithToken()
    assert app.get("/ckan-admin/strategie/", headers={"Authorization": user["token"]}).status_code == 403
    assert app.post("/ckan-admin/strategie/projekt/new", data=project_form(),
                    headers={"Authorization": user["token"]}).status_code == 403
    assert app.get("/ckan-admin/strategie/").status_code == 403


def test_the_admin_area_links_to_the_reference_data(app, sysadmin_headers):
    assert 'href="/ckan-admin/strategie/"' in app.get("/ckan-admin/", headers=sysadmin_headers).body
    listing = app.get("/ckan-admin/strategie/", headers=sysadmin_headers).body
    assert 'href="/ckan-admin/strategie/handlungsfeld/mobilitaet-verkehr/edit"' in listing
    assert "aaseemonitoring" in listing


def test_an_edit_from_a_stale_form_is_refused_and_loses_nothing(app, sysadmin_headers):
    """Two sysadmins open the same form; the second save must not undo the first."""
    import re
    first_form = app.get("/ckan-admin/strategie/projekt/new", headers=sysadmin_headers).body
    version = re.search(r'name="version" value="(\d+)"', first_form).group(1)
    saved = app.post("/ckan-admin/strategie/projekt/new", headers=sysadmin_headers,
                     data=project_form(version=version), follow_redirects=False)
    assert saved.status_code == 302
    stale = app.post("/ckan-admin/strategie/projekt/new", headers=sysadmin_headers,
                     data=project_form(slug="zweite-bank", title_de="Zweite Bank", version=version))
    assert stale.status_code == 200 and "seit dieses Formular geöffnet wurde" in stale.body
    assert strategy.projekt("smarte-parkbank") is not None and strategy.projekt("zweite-bank") is None
    fresh = re.search(r'name="version" value="(\d+)"',
                      app.get("/ckan-admin/strategie/projekt/new", headers=sysadmin_headers).body).group(1)
    assert int(fresh) == int(version) + 1
    again = app.post("/ckan-admin/strategie/projekt/new", headers=sysadmin_headers,
                     data=project_form(slug="zweite-bank", title_de="Zweite Bank", version=fresh),
                     follow_redirects=False)
    assert again.status_code == 302
    assert strategy.projekt("smarte-parkbank") is not None and strategy.projekt("zweite-bank") is not None


def test_a_database_error_while_reading_stored_edits_is_raised_not_taken_for_none():
    import sqlalchemy as sa
    from ckan.model import meta
    with meta.engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE system_info RENAME TO system_info_away"))
    try:
        with pytest.raises(sa.exc.ProgrammingError):
            strategy.stored("projekte")
        with pytest.raises(sa.exc.ProgrammingError):
            strategy.seed()
    finally:
        with meta.engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE system_info_away RENAME TO system_info"))
