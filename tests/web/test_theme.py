"""The strategy's pages: home, Handlungsfeld, project, Atom feeds, dataset badges, static pages."""
import re
import xml.etree.ElementTree as ElementTree

import pytest

from ckan.tests import helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
ATOM = "{http://www.w3.org/2005/Atom}"


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_shows_fields_with_counts_newest_projects_and_figures(app, catalogue):
    page = app.get("/").body
    words = text(page)
    for title in ("Umwelt, Energie &amp; Klima", "Mobilität &amp; Verkehr", "Wohnen &amp; Leben",
                  "Teilhabe &amp; Kultur", "Wirtschaft &amp; Wissenschaft", "Management &amp; Infrastruktur"):
        assert title in words
    assert "Mobilität &amp; Verkehr 3 Datensätze" in words and "Umwelt, Energie &amp; Klima 1 Datensatz" in words
    assert 'href="/handlungsfeld/mobilitaet-verkehr"' in page
    assert "4 Datensätze" in words and "75 % offene Daten" in words  # 3 of 4 under open licences
    assert words.index("Fahrplan") < words.index("Parkhäuser: Belegung")  # newest first
    assert 'href="/projekt/aaseemonitoring"' in page
    assert 'role="search"' in page and 'action="/dataset/"' in page


def test_handlungsfeld_page_with_questions_projects_and_search_inside(app, catalogue):
    page = app.get("/handlungsfeld/mobilitaet-verkehr").body
    words = text(page)
    assert "Zukunftsfragen" in words
    assert "Wie können wir digitale Lösungen einsetzen, um das Mobilitätsangebot in Münster zu optimieren?" in words
    assert 'href="/projekt/leezenflow"' in page  # a project of this field
    assert all(title in words for title in ("Parkhäuser: Belegung", "Radverkehr: Zählstellen", "Fahrplan"))
    assert "Aasee-Monitoring" not in words
    # (every dataset of the fixture has the same description, so the word is from a title)
    inside = app.get("/handlungsfeld/mobilitaet-verkehr", query_string={"q": "Fahrplan"}).body
    assert 'href="/dataset/fahrplan"' in inside
    assert "Radverkehr: Zählstellen" not in text(inside) and "Parkhäuser: Belegung" not in text(inside)
    assert 'type="application/atom+xml"' in page


def test_old_names_redirect_and_unknown_ones_are_not_found(app):
    old = app.get("/handlungsfeld/mobilitaet", follow_redirects=False)
    assert old.status_code == 301 and old.headers["Location"].endswith("/handlungsfeld/mobilitaet-verkehr")
    beta = app.get("/handlungsfeld/Lebensart", follow_redirects=False)
    assert beta.headers["Location"].endswith("/handlungsfeld/wohnen-leben")
    assert app.get("/handlungsfeld/raumfahrt").status_code == 404
    assert app.get("/projekt/gibt-es-nicht").status_code == 404


def test_project_page_with_status_fields_partners_origin_and_datasets(app, catalogue):
    words = text(app.get("/projekt/aaseemonitoring").body)
    assert "besteht" in words and "Münsterhack 2018" in words and "Stadtwerke Münster" in words
    assert "Umwelt, Energie &amp; Klima" in words and "Aasee-Monitoring" in words
    assert "Parkhäuser" not in words
    listing = text(app.get("/projekte").body)
    assert listing.count("Datensatz") >= 2 and "Leezenflow" in listing


def test_atom_feeds_per_field_and_project(app, catalogue):
    for path, expected in (("/handlungsfeld/umwelt-energie-klima/feed.atom", {"Aasee-Monitoring"}),
                           ("/projekt/mobilitaetsplattform/feed.atom", {"Parkhäuser: Belegung"})):
        response = app.get(path)
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        feed = ElementTree.fromstring(response.body.encode())
        assert {entry.findtext(ATOM + "title") for entry in feed.iter(ATOM + "entry")} == expected


def test_dataset_page_links_back_and_offers_dcat(app, catalogue):
    page = app.get("/dataset/aasee").body
    assert 'href="/handlungsfeld/umwelt-energie-klima"' in page and 'href="/projekt/aaseemonitoring"' in page
    assert 'href="/dataset/aasee.ttl"' in page and 'href="/dataset/aasee.jsonld"' in page


def test_english_is_one_click_away(app, catalogue):
    page = app.get("/en/handlungsfeld/mobilitaet-verkehr").body
    words = text(page)
    assert "Mobility &amp; Transport" in words and "Questions for the future" in words
    assert "How can we use digital solutions to improve the range of mobility services in Münster?" in words
    assert '<html lang="en"' in page or 'lang="en"' in page[:400]
    assert 'lang="de"' in app.get("/handlungsfeld/mobilitaet-verkehr").body[:400]
    assert "Active projects" not in words and "running" in text(app.get("/en/projekt/aaseemonitoring").body)


@pytest.mark.ckan_config("ckanext.smartcityms.feedback_email", "barrierefrei@example.org")
def test_static_pages_with_feedback_contact(app):
    statement = app.get("/barrierefreiheit").body
    assert "Erklärung zur Barrierefreiheit" in statement
    assert 'href="mailto:barrierefrei@example.org"' in statement
    assert "Accessibility statement" in app.get("/en/barrierefreiheit").body
    footer = app.get("/").body
    for path in ("/barrierefreiheit", "/impressum", "/datenschutz"):
        assert f'href="{path}"' in footer
        assert app.get(path).status_code == 200


def test_static_page_texts_are_configurable(app, tmp_path, monkeypatch):
    (tmp_path / "imprint.de.md").write_text("# Impressum\n\nStadt Münster, Klemensstraße 10", "utf-8")
    import ckan.plugins.toolkit as tk
    monkeypatch.setitem(tk.config, "ckanext.smartcityms.pages_path", str(tmp_path))
    assert "Klemensstraße 10" in app.get("/impressum").body
    assert "(no contact address configured yet)" in app.get("/en/datenschutz").body or \
        "noch keine Kontaktadresse" in app.get("/datenschutz").body


def test_search_facets_include_eu_data_theme_with_names(app, catalogue):
    result = helpers.call_action("package_search", {}, fq="data_theme:TRAN", **{"facet.field": ["data_theme"]})
    assert result["count"] == 3
    items = {i["name"]: i["display_name"] for i in result["search_facets"]["data_theme"]["items"]}
    assert items["TRAN"] == "Verkehr"
    page = app.get("/dataset/").body
    for heading in ("Handlungsfeld", "Projekt", "EU-Datenthema", "Organisationen", "Formate", "Lizenzen"):
        assert heading in page, heading


def test_pages_load_nothing_from_other_servers(app, catalogue):
    for path in ("/", "/dataset/", "/dataset/aasee", "/handlungsfeld/umwelt-energie-klima", "/projekt/aaseemonitoring"):
        page = app.get(path).body
        loaded = re.findall(r'<(?:script|img|iframe)[^>]*\ssrc="([^"]+)"', page) + \
            re.findall(r'<link[^>]*rel="(?:stylesheet|preload|icon|shortcut icon)"[^>]*href="([^"]+)"', page) + \
            re.findall(r'<link[^>]*href="([^"]+)"[^>]*rel="(?:stylesheet|preload|icon|shortcut icon)"', page)
        foreign = [url for url in loaded if re.match(r"(https?:)?//", url) and "test.ckan.net" not in url]
        assert not foreign, (path, foreign)
        assert loaded, path
