"""DCAT endpoints: the Handlungsfelder vocabulary, dataset and catalogue
serialisations, content negotiation, paging and modified_since."""
import time

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


def test_cached_turtle_catalogue_equals_ckanext_dcats_serialisation(app, datasets):
    from ckanext.dcat.processors import RDFSerializer
    from rdflib.compare import isomorphic

    fast = rdflib.Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
    app.get("/catalog.ttl")  # served from the cache now
    cached = rdflib.Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
    found = helpers.call_action("package_search", q="*:*", sort="metadata_modified desc", rows=100)
    stock_path = rdflib.Graph().parse(
        data=RDFSerializer(profiles=["dcat_ap_de"]).serialize_catalog({}, found["results"], _format="turtle"),
        format="turtle")
    # Paging triples name the request URL; compare everything else.
    for graph in (fast, cached, stock_path):
        for node in list(graph.subjects(RDF.type, HYDRA.PagedCollection)):
            graph.remove((node, None, None))
    assert isomorphic(fast, stock_path)
    assert isomorphic(cached, stock_path)


def test_a_changed_dataset_is_served_changed(app, datasets):
    app.get("/catalog.ttl")
    helpers.call_action("package_patch", {"user": factories.Sysadmin()["name"]},
                        id=datasets[0]["id"], title="Neuer Titel")
    graph = rdflib.Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
    titles = {str(t) for t in graph.objects(None, rdflib.DCTERMS.title)}
    assert "Neuer Titel" in titles and "Datensatz 0" not in titles


@pytest.mark.usefixtures("clean_redis")
def test_datasets_store_their_turtle_when_they_change(app, datasets, cli):
    from ckan.cli.cli import ckan as ckan_command
    from ckanext.smartcityms import cache
    from ckanext.smartcityms.dcat import store as dcat_store

    def stored_of(dataset):
        return cache.DCAT_TURTLE.get_many([dataset["id"]])[0]

    for dataset in datasets:  # stored on creation; clean_redis ran before
        dcat_store.refresh(dataset["id"])
    stored = stored_of(datasets[0]).decode()
    assert datasets[0]["metadata_modified"] in stored.split(dcat_store.SEPARATOR)[0]
    assert "Datensatz 0" in stored

    helpers.call_action("package_delete", {"user": factories.Sysadmin()["name"]}, id=datasets[0]["id"])
    assert stored_of(datasets[0]) is None

    result = cli.invoke(ckan_command, ["smartcityms", "dcat-cache", "clear"])
    assert result.exit_code == 0 and "2 stored dataset(s) dropped" in result.output
    result = cli.invoke(ckan_command, ["smartcityms", "dcat-cache", "warm"])
    assert result.exit_code == 0 and "2 dataset(s) stored" in result.output
    assert stored_of(datasets[1]) is not None


@pytest.mark.usefixtures("clean_redis")
def test_changes_are_refreshed_by_one_coalesced_job(datasets):
    """A harvest changes thousands of datasets: one background job refreshes them, not one each."""
    from ckan.lib import jobs
    from ckanext.smartcityms import cache
    from ckanext.smartcityms.dcat import store as dcat_store

    def queued():
        return [job for job in jobs.get_queue().jobs
                if job.func_name == "ckanext.smartcityms.dcat.store.refresh_pending"]

    jobs.get_queue().empty()
    cache.redis_connection().delete(cache.key(dcat_store.PENDING), cache.key(dcat_store.SCHEDULED))
    sysadmin = factories.Sysadmin()
    for number, dataset in enumerate(datasets):
        helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=dataset["id"], title=f"Geändert {number}")
    assert len(queued()) == 1
    assert queued()[0].perform() == len(datasets)  # what the job worker does
    for number, dataset in enumerate(datasets):
        assert f"Geändert {number}" in cache.DCAT_TURTLE.get_many([dataset["id"]])[0].decode()
    assert cache.redis_connection().zcard(cache.key(dcat_store.PENDING)) == 0

    helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=datasets[0]["id"], title="Noch einmal")
    assert len(queued()) == 2  # the finished one is still listed by RQ here; a new one was queued


@pytest.mark.usefixtures("clean_redis")
def test_the_refresh_job_waits_for_changes_that_trickle_in_instead_of_ending_at_each_lull(datasets):
    """During a harvest a job per lull would be a forked CKAN process each: the running job takes them."""
    import threading
    from ckan.lib import jobs
    from ckanext.smartcityms import cache
    from ckanext.smartcityms.dcat import store as dcat_store

    jobs.get_queue().empty()
    redis = cache.redis_connection()
    redis.delete(cache.key(dcat_store.PENDING), cache.key(dcat_store.SCHEDULED))
    dcat_store.schedule_refresh(datasets[0]["id"])
    jobs.get_queue().empty()  # the job worker has taken the job: this test runs it below
    later = threading.Timer(1.0, dcat_store.schedule_refresh, [datasets[1]["id"]])
    later.start()
    started = time.monotonic()
    assert dcat_store.refresh_pending(linger=3) == 2  # the change one second later is taken too
    later.join()
    assert 1.0 <= time.monotonic() - started < 10
    assert jobs.get_queue().count == 0  # and no second job was queued for it
    assert all(cache.DCAT_TURTLE.get_many([dataset["id"]])[0] for dataset in datasets[:2])

    dcat_store.schedule_refresh(datasets[0]["id"])  # the next change after the job ended queues one
    assert jobs.get_queue().count == 1


@pytest.mark.usefixtures("clean_redis")
@pytest.mark.ckan_config("ckan.jobs.timeout", 1)
@pytest.mark.ckan_config("ckan.search.solr_commit", False)
def test_a_refresh_job_past_half_its_timeout_hands_the_changes_to_a_new_job(datasets):
    """RQ kills a job at its timeout; a long harvest's changes go to a successor instead, none lost.
    (Solr committing on its own: the job waits for a change to show in the index.)"""
    from ckan.lib import jobs
    from ckanext.smartcityms import cache
    from ckanext.smartcityms.dcat import store as dcat_store

    jobs.get_queue().empty()
    redis = cache.redis_connection()
    redis.delete(cache.key(dcat_store.PENDING), cache.key(dcat_store.SCHEDULED))
    dcat_store.schedule_refresh(datasets[0]["id"])
    jobs.get_queue().empty()
    started = time.monotonic()
    assert dcat_store.refresh_pending(linger=3) == 0
    assert time.monotonic() - started < dcat_store.INDEX_VISIBLE_SECONDS
    assert redis.zcard(cache.key(dcat_store.PENDING)) == 1
    assert [job.meta.get("title") for job in jobs.get_queue().jobs] == [dcat_store.TITLE]
