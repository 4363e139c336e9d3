"""DCAT endpoints: the Handlungsfelder vocabulary, dataset and catalogue
serialisations, content negotiation, paging and modified_since."""
import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from ckan.tests import factories, helpers

from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SITE = "http://test.ckan.net"
SCHEME = rdflib.URIRef(SITE + "/vocab/handlungsfelder")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")


@pytest.mark.parametrize("path, accept, rdf_format", [
    ("/vocab/handlungsfelder.ttl", None, "turtle"),
    ("/vocab/handlungsfelder.rdf", None, "xml"),
    ("/vocab/handlungsfelder.jsonld", None, "json-ld"),
    ("/vocab/handlungsfelder", "application/rdf+xml", "xml"),
    ("/vocab/handlungsfelder", "application/ld+json", "json-ld"),
    ("/vocab/handlungsfelder", None, "turtle"),
])
def test_handlungsfelder_scheme_in_every_format(app, path, accept, rdf_format):
    response = app.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.body, format=rdf_format)
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 6
    mobility = rdflib.URIRef(f"{SCHEME}/mobilitaet-verkehr")
    assert (mobility, SKOS.inScheme, SCHEME) in graph
    assert rdflib.Literal("Mobilität & Verkehr", lang="de") in graph.objects(mobility, SKOS.prefLabel)
    assert rdflib.Literal("Mobility & Transport", lang="en") in graph.objects(mobility, SKOS.prefLabel)
    assert rdflib.URIRef("http://publications.europa.eu/resource/authority/data-theme/TRAN") in \
        graph.objects(mobility, SKOS.closeMatch)


def test_concept_uri_dereferences_and_beta_names_redirect(app):
    response = app.get("/vocab/handlungsfelder/wohnen-leben.ttl")
    graph = rdflib.Graph().parse(data=response.body, format="turtle")
    assert set(graph.subjects(RDF.type, SKOS.Concept)) == {rdflib.URIRef(f"{SCHEME}/wohnen-leben")}
    old = app.get("/vocab/handlungsfelder/lebensart", follow_redirects=False)
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/vocab/handlungsfelder/wohnen-leben")
    assert app.get("/vocab/handlungsfelder/raumfahrt").status_code == 404


@pytest.fixture
def datasets():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster")
    created = []
    for number in range(3):
        created.append(helpers.call_action(
            "package_create", {"user": sysadmin["name"]},
            **minimal_dataset(org["id"], name=f"datensatz-{number}", title=f"Datensatz {number}")))
    return created


@pytest.mark.parametrize("extension, rdf_format", [
    ("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld"), ("xml", "xml")])
def test_dataset_endpoint_formats(app, datasets, extension, rdf_format):
    dataset = datasets[0]
    response = app.get(f"/dataset/{dataset['id']}.{extension}")
    graph = rdflib.Graph().parse(data=response.body, format=rdf_format)
    assert (rdflib.URIRef(f"{SITE}/dataset/{dataset['id']}"), RDF.type, DCAT.Dataset) in graph


def test_dataset_page_content_negotiation(app, datasets):
    response = app.get(f"/dataset/{datasets[0]['name']}", headers={"Accept": "text/turtle"})
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.body, format="turtle")
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 1
    html = app.get(f"/dataset/{datasets[0]['name']}", headers={"Accept": "text/html"})
    assert html.headers["Content-Type"].startswith("text/html")


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2)
def test_catalogue_paging_and_modified_since(app, datasets):
    first = rdflib.Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
    assert len(set(first.subjects(RDF.type, DCAT.Dataset))) == 2
    assert any(str(o).endswith("page=2") for o in first.objects(None, HYDRA.next))
    second = rdflib.Graph().parse(data=app.get("/catalog.ttl?page=2").body, format="turtle")
    assert len(set(second.subjects(RDF.type, DCAT.Dataset))) == 1

    newest = max(d["metadata_modified"] for d in datasets)
    recent = rdflib.Graph().parse(data=app.get(f"/catalog.ttl?modified_since={newest}").body,
                                  format="turtle")
    assert len(set(recent.subjects(RDF.type, DCAT.Dataset))) == 1
    bad = app.get("/catalog.ttl?modified_since=gestern")
    assert bad.status_code == 409  # ckanext-dcat's answer to a validation error
    assert "modified_since" in bad.body
