"""Cached DCAT output is current in every process at once.

Two processes with caches of their own: a web server started with `ckan run`
(as the demo runs it) and this test process, which acts as the job worker
(it runs the background refresh of the stored Turtle, as `ckan jobs worker`
does) and serves pages through its own app. Both are warmed first, then an
organization is renamed, a Handlungsfeld is renamed in the admin UI and a
resource is deleted; each change must show in both at once.
"""
import urllib.request

import pytest
import rdflib
from rdflib.namespace import FOAF, RDFS, SKOS

from ckan.tests import factories, helpers

from ckanext.smartcityms import strategy
from ckanext.smartcityms.dcat import store as dcat_store
from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PATHS = {"/catalog.ttl": "turtle", "/dataset/{name}.ttl": "turtle", "/dataset/{name}.rdf": "xml"}
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
HANDLUNGSFELD = rdflib.URIRef("http://test.ckan.net/vocab/handlungsfelder/mobilitaet-verkehr")


@pytest.fixture
def web_server(live_ckan):
    return live_ckan


def graphs(app, server, name):
    """Every endpoint as parsed by both processes: {(process, path): Graph}."""
    found = {}
    for path, rdf_format in PATHS.items():
        path = path.format(name=name)
        with urllib.request.urlopen(server.url + path, timeout=60) as response:
            found[("ckan run", path)] = rdflib.Graph().parse(data=response.read(), format=rdf_format)
        answer = app.get(path)
        assert answer.status_code == 200, (path, answer.body[:2000])
        found[("test process", path)] = rdflib.Graph().parse(data=answer.body, format=rdf_format)
    return found


def publisher_names(graph):
    """foaf:name of the datasets' publishers (the catalogue has a publisher of its own)."""
    datasets = graph.subjects(rdflib.RDF.type, DCAT.Dataset)
    return {name for dataset in datasets for publisher in graph.objects(dataset, DCT.publisher)
            for name in graph.objects(publisher, FOAF.name)}


def work_off_refresh_jobs(dataset_id):
    """What the job worker does after a change: rebuild the dataset's stored Turtle in its process."""
    dcat_store.refresh(dataset_id)


def test_changes_show_at_once_in_every_process(app, web_server):
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster", image_url="")
    dataset = minimal_dataset(org["id"], name="radzaehlung", title="Radzählung",
                              handlungsfeld=["mobilitaet-verkehr"], projekt=["leezenflow"])
    dataset["resources"].append(dict(dataset["resources"][0], url="https://example.org/zaehlstellen-alt.csv",
                                     name="Alte Zählstellen"))
    dataset = helpers.call_action("package_create", {"user": sysadmin["name"]}, **dataset)
    strategy.store("handlungsfelder", strategy.shipped("handlungsfelder"))

    # Warm every cache in both processes, and the shared store through the "worker".
    work_off_refresh_jobs(dataset["id"])
    before = graphs(app, web_server, "radzaehlung")
    for graph in before.values():
        assert publisher_names(graph) == {rdflib.Literal("Stadt Münster")}
        assert rdflib.Literal("Mobilität & Verkehr", lang="de") in graph.objects(HANDLUNGSFELD, SKOS.prefLabel)
        assert rdflib.URIRef("https://example.org/zaehlstellen-alt.csv") in graph.all_nodes()

    # 1. The organization is renamed.
    helpers.call_action("organization_patch", {"user": sysadmin["name"]}, id=org["id"],
                        title="Stadt Münster – Amt für Mobilität")
    work_off_refresh_jobs(dataset["id"])
    for where, graph in graphs(app, web_server, "radzaehlung").items():
        assert publisher_names(graph) == {rdflib.Literal("Stadt Münster – Amt für Mobilität")}, where

    # 2. A Handlungsfeld is renamed in the admin UI (same slug, new titles).
    field = strategy.handlungsfeld("mobilitaet-verkehr")
    form = {"slug": "mobilitaet-verkehr", "title_de": "Mobilität und Wege", "title_en": "Mobility and journeys",
            "description_de": field["description"]["de"], "description_en": field["description"]["en"],
            "zukunftsfragen_de": "\n".join(field["zukunftsfragen"]["de"]),
            "zukunftsfragen_en": "\n".join(field["zukunftsfragen"]["en"]), "eu_themes": field["eu_themes"]}
    saved = app.post("/ckan-admin/strategie/handlungsfeld/mobilitaet-verkehr/edit", data=form,
                     headers={"Authorization": sysadmin["token"]}, follow_redirects=False)
    assert saved.status_code == 302, saved.body[:2000]
    work_off_refresh_jobs(dataset["id"])
    for where, graph in graphs(app, web_server, "radzaehlung").items():
        labels = set(graph.objects(HANDLUNGSFELD, SKOS.prefLabel))
        assert rdflib.Literal("Mobilität und Wege", lang="de") in labels, where
        assert rdflib.Literal("Mobility and journeys", lang="en") in labels, where
        assert rdflib.Literal("Mobilität & Verkehr", lang="de") not in labels, where

    # 3. A resource is deleted.
    old = next(r for r in dataset["resources"] if r.get("name") == "Alte Zählstellen")
    helpers.call_action("resource_delete", {"user": sysadmin["name"]}, id=old["id"])
    work_off_refresh_jobs(dataset["id"])
    for where, graph in graphs(app, web_server, "radzaehlung").items():
        assert rdflib.URIRef("https://example.org/zaehlstellen-alt.csv") not in graph.all_nodes(), where
        assert len(set(graph.objects(None, DCAT.distribution))) == 1, where
        assert rdflib.Literal("Leezenflow", lang="de") in graph.objects(None, RDFS.label), where


def test_a_deleted_resource_that_broke_the_serialiser_breaks_no_process_afterwards(app, web_server):
    """As seen on a running portal: an editor-supplied URL rdflib cannot write in Turtle, then deleted."""
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster", image_url="")
    dataset = minimal_dataset(org["id"], name="kacheln")
    dataset["resources"].append(dict(dataset["resources"][0], url="https://tile.example.org/{z}/{x}/{y}.png",
                                     name="Kacheln"))
    dataset = helpers.call_action("package_create", {"user": sysadmin["name"]}, **dataset)
    for path in ("/dataset/kacheln.ttl", "/dataset/kacheln.rdf"):  # whatever they answer, both processes cache
        try:
            app.get(path)  # the test app re-raises what would be a 500
        except Exception:
            pass
        try:
            urllib.request.urlopen(web_server.url + path, timeout=60).read()
        except OSError:
            pass
    broken = next(r for r in dataset["resources"] if r.get("name") == "Kacheln")
    helpers.call_action("resource_delete", {"user": sysadmin["name"]}, id=broken["id"])
    work_off_refresh_jobs(dataset["id"])
    for where, graph in graphs(app, web_server, "kacheln").items():
        assert not any("{z}" in str(node) for node in graph.all_nodes()), where
        assert len(set(graph.objects(None, DCAT.distribution))) == 1, where
