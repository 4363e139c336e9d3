"""Showcases (Anwendungen) as editors and visitors meet them: an organization
editor creates one through the Action API of `ckan run`; its datasets' pages
say where they are used, the dataset's DCAT output names it (read back by
stock ckanext-dcat in a stock CKAN process, checked with pyshacl), and the
pages pass axe in Chromium."""
import pytest
import rdflib
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.smartcityms.dcat import shacl
from tests.datasets import minimal_dataset
from tests.dcat.test_stock_consumers import stock_parse
from tests.web.test_accessibility import check

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


@pytest.fixture
def editor(catalogue):
    """An editor of the catalogue's organization, with an API token."""
    user = factories.User()
    helpers.call_action("organization_member_create", {"ignore_auth": True},
                        id="stadt-muenster", username=user["name"], role="editor")
    token = helpers.call_action("api_token_create", {"user": user["name"]}, user=user["name"], name="t")["token"]
    return {"name": user["name"], "token": token}


def showcase(**fields):
    return {"type": "showcase", "name": "aasee-app", "title": "Aasee-App",
            "notes": "Zeigt die Wasserqualität des Aasees auf dem Handy.", "owner_org": "stadt-muenster",
            "url": "https://example.org/aasee-app", "author": "Team Münsterhack 2018",
            "handlungsfeld": ["umwelt-energie-klima"], "projekt": ["aaseemonitoring"],
            "uses_datasets": "aasee, parkhaeuser", **fields}


def post(server, action, token, **data):
    answer = requests.post(f"{server.url}/api/3/action/{action}", json=data,
                           headers={"Authorization": token}, timeout=60)
    return answer.json()


def test_an_editor_creates_a_showcase_that_its_datasets_pages_and_dcat_name(
        catalogue, editor, live_ckan, tmp_path):
    created = post(live_ckan, "package_create", editor["token"], **showcase())
    assert created["success"], created
    ids = {d["name"]: d["id"] for d in catalogue}
    assert created["result"]["uses_datasets"] == [ids["aasee"], ids["parkhaeuser"]]

    page = requests.get(f"{live_ckan.url}/dataset/aasee", timeout=30).text
    assert "Verwendet in" in page and 'href="/showcase/aasee-app"' in page
    assert "Verwendet in" not in requests.get(f"{live_ckan.url}/dataset/fahrplan", timeout=30).text
    own = requests.get(f"{live_ckan.url}/showcase/aasee-app", timeout=30).text
    assert 'href="/dataset/aasee"' in own and 'href="https://example.org/aasee-app"' in own
    for listing in ("/showcase/", "/showcase/?q=Wasserqualität", "/handlungsfeld/umwelt-energie-klima",
                    "/projekt/aaseemonitoring"):
        assert 'href="/showcase/aasee-app"' in requests.get(live_ckan.url + listing, timeout=30).text, listing
    listing = requests.get(f"{live_ckan.url}/showcase/", timeout=30).text
    assert "<h1>1 Anwendung gefunden</h1>" in listing and "<title>Anwendungen - " in listing
    assert "showcase" not in listing.lower().replace("/showcase", "").replace("showcase.", "")  # no English type name

    turtle = requests.get(f"{live_ckan.url}/dataset/{ids['aasee']}.ttl", timeout=30).text
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    showcase_uri = rdflib.URIRef(f"{tk.config['ckan.site_url'].rstrip('/')}/showcase/{created['result']['id']}")
    assert (None, DCT.isReferencedBy, showcase_uri) in graph
    assert not shacl.violations(shacl.validate(graph))
    document = tmp_path / "aasee.ttl"
    document.write_text(turtle, "utf-8")
    parsed = stock_parse([{"profiles": ["euro_dcat_ap_3"], "format": "turtle", "path": str(document)}],
                         {}, tmp_path)[0]
    assert "error" not in parsed, parsed
    assert parsed["datasets"][0]["is_referenced_by"] == [str(showcase_uri)]

    catalog = requests.get(f"{live_ckan.url}/catalog.ttl", timeout=60).text
    assert str(showcase_uri) in catalog
    assert f"/dataset/{created['result']['id']}" not in catalog  # a showcase is no dcat:Dataset

    # Drop one dataset: its page and its DCAT, in every process, forget the showcase.
    updated = post(live_ckan, "package_patch", editor["token"], id="aasee-app", uses_datasets=["parkhaeuser"])
    assert updated["success"], updated
    assert "Verwendet in" not in requests.get(f"{live_ckan.url}/dataset/aasee", timeout=30).text
    again = requests.get(f"{live_ckan.url}/dataset/{ids['aasee']}.ttl", timeout=30).text
    assert str(showcase_uri) not in again
    assert str(showcase_uri) in requests.get(f"{live_ckan.url}/dataset/{ids['parkhaeuser']}.ttl", timeout=30).text


def test_showcases_stay_out_of_dataset_searches_and_counts(catalogue, editor):
    helpers.call_action("package_create", {"user": editor["name"]}, **showcase())
    everything = helpers.call_action("package_search", q="*:*")
    assert everything["count"] == len(catalogue)
    assert {d["type"] for d in everything["results"]} == {"dataset"}
    only = helpers.call_action("package_search", fq="dataset_type:showcase")
    assert [d["name"] for d in only["results"]] == ["aasee-app"]
    assert helpers.call_action("package_search", q="Wasserqualität")["count"] == 0


@pytest.mark.parametrize("uses, message", [
    ("aasee, gibt-es-nicht", '"gibt-es-nicht"'),
    ("", "Name at least one dataset"),
    (["aasee"] * 0 + [f"d{n}" for n in range(101)], "At most 100"),
])
def test_a_showcase_names_only_datasets_of_the_portal(catalogue, editor, uses, message):
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("package_create", {"user": editor["name"]}, **showcase(uses_datasets=uses))
    assert message in str(refused.value.error_dict["uses_datasets"])


def test_a_showcase_cannot_name_another_showcase_as_its_dataset(catalogue, editor):
    helpers.call_action("package_create", {"user": editor["name"]}, **showcase())
    with pytest.raises(tk.ValidationError):
        helpers.call_action("package_create", {"user": editor["name"]},
                            **showcase(name="zweite-app", uses_datasets="aasee-app"))


def test_an_editor_of_another_organization_cannot_change_it(catalogue, editor):
    helpers.call_action("package_create", {"user": editor["name"]}, **showcase())
    stranger = factories.User()
    factories.Organization(users=[{"name": stranger["name"], "capacity": "editor"}], image_url="")
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("package_patch", {"user": stranger["name"], "ignore_auth": False},
                            id="aasee-app", title="Gekapert")


def test_showcase_pages_pass_axe_and_work_by_keyboard(catalogue, editor, live_ckan):
    helpers.call_action("package_create", {"user": editor["name"]}, **showcase())
    pages = ["/showcase/", "/showcase/aasee-app", "/dataset/aasee", "/showcase/new"]
    urls = [live_ckan.url + prefix + path for prefix in ("", "/en") for path in pages[:3]]
    results = check(urls)
    problems = {url: found["violations"] for url, found in results.items()
                if found["violations"] or found["status"] != 200}
    assert not problems, problems


def tiny_png():
    """A 2×2 PNG made here (no picture of anyone else's)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x20\x80\xc0" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_an_uploaded_picture_is_shown_with_its_text_and_a_picture_elsewhere_only_linked(
        catalogue, editor, live_ckan):
    """The form's way in: an editor opens /showcase/new, then adds a screenshot
    (multipart upload, as the resource form sends it) and a picture on another
    server; the page shows the first with its alternative text and loads
    nothing from the other server."""
    form = requests.get(f"{live_ckan.url}/showcase/new", headers={"Authorization": editor["token"]}, timeout=30)
    assert form.status_code == 200 and 'name="uses_datasets"' in form.text
    created = post(live_ckan, "package_create", editor["token"], **showcase())
    assert created["success"], created
    uploaded = requests.post(
        f"{live_ckan.url}/api/3/action/resource_create", headers={"Authorization": editor["token"]},
        data={"package_id": created["result"]["id"], "name": "Karte der Messbojen in der App", "format": "PNG"},
        files={"upload": ("bildschirm.png", tiny_png(), "image/png")}, timeout=60).json()
    assert uploaded["success"], uploaded
    remote = post(live_ckan, "resource_create", editor["token"], package_id=created["result"]["id"],
                  name="Logo des Teams", url="https://pictures.example.org/logo.png", format="PNG")
    assert remote["success"], remote

    page = requests.get(f"{live_ckan.url}/showcase/aasee-app", timeout=30).text
    picture = uploaded["result"]["url"]
    assert f'<img src="{picture}" alt="Karte der Messbojen in der App"' in page
    served = requests.get(live_ckan.url + picture.removeprefix(tk.config["ckan.site_url"].rstrip("/")), timeout=30)
    assert served.status_code == 200 and served.content == tiny_png()
    assert '<img src="https://pictures.example.org' not in page
    assert 'href="https://pictures.example.org/logo.png"' in page


def test_a_showcase_cannot_confirm_another_organizations_private_dataset(catalogue, editor):
    """Issue 28: naming another organization's private dataset was accepted, which confirmed that
    it exists and put its id on a public showcase; now it is as unknown as a missing one."""
    other = factories.Organization()
    helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]}, **minimal_dataset(
        other["id"], name="vertraulich", private=True))
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("package_create", {"user": editor["name"]}, **showcase(uses_datasets="aasee, vertraulich"))
    assert '"vertraulich"' in str(refused.value.error_dict["uses_datasets"])
