"""One bad value never breaks a page: a dataset full of hostile values is
published in every serialisation, and a dataset that still cannot be
serialised is left out of the catalogue page, not the page with it."""
import logging

import pytest
import rdflib
from rdflib.namespace import DCTERMS

from ckan.tests import factories, helpers
from ckanext.dcat.utils import dataset_uri

from ckanext.smartcityms.dcat import catalog, shacl
from ckanext.smartcityms.dcat import store as dcat_store
from ckanext.smartcityms.fields import iri
from ckanext.smartcityms.web import helpers as web_helpers
from tests.datasets import full_dataset, minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
TILE = "https://tile.example.org/{z}/{x}/{y}.png"
ODD_URL = 'https://example.org/daten?filter="a|b"&sort=^zeit&x=<1>&y=`2`\\3 4'
TITLE = "Radweg\x07 ‏שלום‎ ‮verkehrt‬ 🚲 Zählstelle"
NOTES = "Beschreibung\x00 " + "lang " * 20_000  # 100 kB


@pytest.fixture
def hostile(app):
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster", image_url="")
    dataset = full_dataset(org["id"], name="feindselig", title=TITLE, notes=NOTES,
                           url="https://example.org/{seite}", contact_email="daten{team}@stadt-muenster.de",
                           documentation=["https://example.org/doku|v2"])
    dataset["resources"][0].update(url=TILE, download_url="https://example.org/dl/{jahr}.csv")
    dataset["resources"].append(dict(dataset["resources"][0], url=ODD_URL, name="Seltsame Adresse",
                                     download_url=""))
    return helpers.call_action("package_create", {"user": sysadmin["name"]}, **dataset)


def dataset_node(graph, dataset):
    return rdflib.URIRef(dataset_uri(dataset))


def test_text_is_stored_without_the_controls_postgresql_and_xml_refuse(hostile):
    # A NUL used to reach PostgreSQL and fail package_create with a 500.
    assert hostile["title"] == TITLE.replace("\x07", "")
    assert hostile["notes"].startswith("Beschreibung lang") and "\x00" not in hostile["notes"]
    assert hostile["resources"][0]["url"] == TILE


@pytest.mark.parametrize("extension", list(FORMATS))
def test_hostile_values_are_published_on_every_page(app, hostile, extension):
    for path in (f"/catalog.{extension}", f"/dataset/{hostile['id']}.{extension}"):
        response = app.get(path, status=200)
        graph = rdflib.Graph().parse(data=response.body, format=FORMATS[extension])
        node = dataset_node(graph, hostile)
        assert str(graph.value(node, DCTERMS.title)) == TITLE.replace("\x07", ""), path
        assert str(graph.value(node, DCTERMS.description)).startswith("Beschreibung lang"), path
        access = {str(graph.value(d, DCAT.accessURL)) for d in graph.objects(node, DCAT.distribution)}
        assert access == {iri.as_iri(TILE), iri.as_iri(ODD_URL)}, path
        assert str(graph.value(node, DCAT.landingPage)) == "https://example.org/%7Bseite%7D", path
        assert not any(iri.needs_encoding(str(term)) for term in graph.all_nodes()
                       if isinstance(term, rdflib.URIRef)), path


def test_hostile_values_stay_valid_dcat_ap_de(app, hostile):
    graph = rdflib.Graph().parse(data=app.get(f"/dataset/{hostile['id']}.ttl").body, format="turtle")
    violations = shacl.violations(shacl.validate(graph))
    assert not violations, violations


def test_unserialisable_dataset_is_left_out_of_the_page_and_named_to_its_editors(app, caplog, monkeypatch):
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster", image_url="")
    good = helpers.call_action("package_create", {"user": sysadmin["name"]}, **minimal_dataset(org["id"]))
    # A dataset dictionary the serialiser cannot walk (what a broken plugin or stored value would yield).
    broken = dict(helpers.call_action("package_create", {"user": sysadmin["name"]},
                                      **minimal_dataset(org["id"], name="kaputt")), resources="kaputt")
    caplog.set_level(logging.WARNING)
    for module in (catalog, dcat_store):  # CKAN's test setup disables loggers made before it
        monkeypatch.setattr(logging.getLogger(module.__name__), "disabled", False)
    for rdf_format in FORMATS.values():
        page = catalog.catalog_in_any_format([good, broken], None, {"format": rdf_format})
        graph = rdflib.Graph().parse(data=page, format=rdf_format)
        assert set(graph.subjects(rdflib.RDF.type, DCAT.Dataset)) == {rdflib.URIRef(dataset_uri(good))}
    turtle = catalog.catalog_turtle([good, broken], None)
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert set(graph.subjects(rdflib.RDF.type, DCAT.Dataset)) == {rdflib.URIRef(dataset_uri(good))}
    assert f"dataset {broken['id']} left out of the catalogue page" in caplog.text

    with app.flask_app.test_request_context():
        import flask_login
        from ckan import model
        flask_login.login_user(model.User.get(sysadmin["name"]))
        result = web_helpers.smartcityms_dcat_validation(broken)
    assert "unserialisable" in result and "Error" in result["unserialisable"]
