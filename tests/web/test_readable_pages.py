"""Pages read as written for people: on harvested senseBox and feed pages every
value is a name in the page's language, a link where it names a thing."""
import re

import pytest

from tests.catalogues import publish_catalogue

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "queues_empty")
BOX = "sensebox-5863b23cbae3b5000f4712d2"  # K-2SO: a point in NRW, since 2016-12-28


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def details(page):
    start = page.index("additional-info")
    return page[start:page.index("</table>", start)]


@pytest.fixture
def published(cli, replay_server):
    return {d["name"]: d for d in publish_catalogue(cli, replay_server)}


def test_the_details_table_shows_names_dates_and_lists_not_codes(app, published):
    table = details(app.get(f"/dataset/{BOX}").body)
    words = text(table)
    assert "Nordrhein-Westfalen" in words and "stateKey/05" not in words
    assert 'href="http://dcat-ap.de/def/politicalGeocoding/stateKey/05"' in table
    assert "Punkt: 51,27868° N, 7,03427° O" in words
    assert "28. Dezember 2016" in words and "2016-12-28" not in words
    assert "['" not in words and "[&#39;" not in table
    assert re.search(r'<a href="/dataset/\?phenomena=temperatur">\s*Temperatur\s*</a>', table)
    assert "Beleuchtungsstärke" in words and "beleuchtungsstaerke" not in words
    english = text(details(app.get(f"/en/dataset/{BOX}").body))
    assert "Point: 51.27868° N, 7.03427° E" in english and "December 28, 2016" in english, english


def test_resource_names_use_our_names_of_the_phenomena(published):
    names = [r["name"] for r in published["sensebox-5d25957630bde6001a8765df"]["resources"]]
    assert "Temperatur: Messwerte für einen Zeitraum (CSV)" in names  # the box calls it "Temperature"
    assert not any(n.startswith("Temperature:") for n in names)
    overbach = [r["name"] for r in published["sensebox-562bdcf3b3de1fe005e03d2a"]["resources"]
                if "Zeitraum" in r["name"]]
    assert len(overbach) == len(set(overbach))  # two titles of one phenomenon stay apart


def test_the_resource_page_names_the_chart_in_the_page_language_and_the_licence_once(app, published):
    box = published[BOX]
    sensor = next(r for r in box["resources"] if "48 Stunden" in r["name"])
    german = app.get(f"/dataset/{BOX}/resource/{sensor['id']}").body
    assert "Letzte 48 Stunden" in text(german) and "Last 48 hours" not in text(german)
    table = german[german.index("Zusätzliche Informationen"):]
    table = table[:table.index("</table>")]
    assert len(re.findall(r"<th[^>]*>\s*Lizenz\s*</th>", table)) == 1
    english = app.get(f"/en/dataset/{BOX}/resource/{sensor['id']}").body
    assert "Last 48 hours" in text(english)


def test_the_main_navigation_marks_projects_only_on_project_pages(app, published):
    def projects_active(path):
        page = app.get(path).body
        link = re.search(r'<li[^>]*>\s*<a[^>]*href="/projekte"[^>]*>', page)
        return "active" in link.group(0) or 'class="active"' in page[link.start() - 40:link.start()]
    assert not projects_active("/handlungsfeld/umwelt-energie-klima")
    assert not projects_active("/impressum")
    assert projects_active("/projekte")
    assert projects_active("/projekt/sensebox")


def test_the_pager_links_have_names(app, published):
    # 32 datasets: two pages of search results (CKAN draws previous/next as bare icons)
    page = app.get("/dataset/").body
    link = re.search(r'<a class="page-link" href="/dataset/\?page=2">(.*?)</a>\s*</li>\s*</ul>', page, re.S)
    assert link and 'class="visually-hidden">Nächste Seite</span>' in link.group(1), link
