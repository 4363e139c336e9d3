"""DCAT-AP.de catalogues harvested into our schema (harvester dcat_ap_de_rdf),
from the real DCAT-AP.de example graphs replayed on 127.0.0.1."""
import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.harvest.model import HarvestGatherError, HarvestObjectError

from tests.replay import Response, shared_file
from tests.harvesters.test_harvest_stack import run_job_through_queues

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "queues_empty")

EXAMPLE_2_0 = "dcat/examples/dcat-ap.de-V2.0/dcat_ap_de-RefImp_TTL_ADVANCED.ttl"
EXAMPLE_3_0 = "dcat/examples/dcat-ap.de-V3.0/Dataset-und-Distribution.ttl"
HYDRA = "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"


def page_linking_to(text, page_url, next_url):
    return text + "\n" + HYDRA + (
        f"<{page_url}> a hydra:PagedCollection ; hydra:next <{next_url}> ;"
        f" hydra:nextPage <{next_url}> .\n")


@pytest.fixture
def two_page_catalogue(replay_server):
    page1, page2 = replay_server.url("/catalog.ttl"), replay_server.url("/catalog.ttl?page=2")
    replay_server.routes["/catalog.ttl"] = Response(
        page_linking_to(shared_file(EXAMPLE_2_0).read_text("utf-8"), page1, page2),
        content_type="text/turtle")
    replay_server.routes["/catalog.ttl?page=2"] = Response(
        shared_file(EXAMPLE_3_0).read_bytes(), content_type="text/turtle")
    return page1


def make_source(url, **config):
    context = {"user": factories.Sysadmin()["name"]}
    org = factories.Organization(title="Open.NRW")
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": "nachbarportal", "title": "Nachbarportal", "url": url,
        "source_type": "dcat_ap_de_rdf", "owner_org": org["id"], "frequency": "MANUAL",
        "config": json.dumps(config)})
    return context, source


def harvested(source):
    return tk.get_action("package_search")(
        {}, {"fq": f"harvest_source_id:{source['id']}", "rows": 100, "sort": "title_string asc"})["results"]


def object_messages(job_id):
    from ckanext.harvest.model import HarvestObject
    return [e.message for e in model.Session.query(HarvestObjectError).join(HarvestObject)
            .filter(HarvestObject.harvest_job_id == job_id)]


def failed_objects(job_id):
    """Objects that did not import. (The job's `errored` stat also counts
    imported objects that carry warnings, as ckanext-harvest does.)"""
    from ckanext.harvest.model import HarvestObject
    return model.Session.query(HarvestObject).filter_by(
        harvest_job_id=job_id, report_status="errored").count()


def gather_messages(job_id):
    return [e.message for e in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job_id)]


def test_2_0_and_3_0_catalogues_with_paging_are_imported_into_our_schema(two_page_catalogue, replay_server):
    context, source = make_source(two_page_catalogue)
    job = run_job_through_queues(context, source["id"])

    assert job["stats"]["added"] == 3, (job["stats"], gather_messages(job["id"]), object_messages(job["id"]))
    assert failed_objects(job["id"]) == 0, object_messages(job["id"])
    assert replay_server.requests == ["/catalog.ttl", "/catalog.ttl?page=2"]
    by_title = {d["title"]: d for d in harvested(source)}
    assert set(by_title) == {"Badegewässer in Hamburg", "Gebietsgrenzen Polizeikommissariate", "Haushaltsplan"}

    bathing = by_title["Badegewässer in Hamburg"]
    assert bathing["handlungsfeld"] == ["umwelt-energie-klima"]  # mapped from the EU theme ENVI
    assert bathing["theme"] == ["http://publications.europa.eu/resource/authority/data-theme/ENVI"]
    csv = next(r for r in bathing["resources"] if r["format"] == "CSV")
    assert csv["license"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert csv["license_attribution_by_text"].startswith("Freie und Hansestadt Hamburg")

    budget = by_title["Haushaltsplan"]
    assert budget["handlungsfeld"] == ["management-infrastruktur", "wirtschaft-wissenschaft"]  # GOVE, ECON
    assert {r["format"] for r in budget["resources"]} == {"CSV", "PDF"}


def test_reharvesting_an_unchanged_catalogue_changes_nothing(two_page_catalogue):
    context, source = make_source(two_page_catalogue)
    run_job_through_queues(context, source["id"])
    before = {d["id"]: d["metadata_modified"] for d in harvested(source)}

    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["not modified"] == 3, job["stats"]
    assert job["stats"]["updated"] == 0
    assert {d["id"]: d["metadata_modified"] for d in harvested(source)} == before


def test_a_dataset_gone_from_the_source_is_deleted(two_page_catalogue, replay_server):
    context, source = make_source(two_page_catalogue)
    run_job_through_queues(context, source["id"])
    # Page 1 now ends the catalogue: the 3.0 example's dataset is gone.
    replay_server.routes["/catalog.ttl"] = Response(
        shared_file(EXAMPLE_2_0).read_bytes(), content_type="text/turtle")
    job = run_job_through_queues(context, source["id"])
    assert job["stats"]["deleted"] == 1
    assert {d["title"] for d in harvested(source)} == {
        "Badegewässer in Hamburg", "Gebietsgrenzen Polizeikommissariate"}


def test_values_outside_our_vocabularies_become_warnings_and_defaults_apply(replay_server):
    text = shared_file(EXAMPLE_2_0).read_text("utf-8")
    text = text.replace("<http://publications.europa.eu/resource/authority/data-theme/ENVI>",
                        "<http://example.org/themes/badeseen>")
    text = text.replace("file-type/CSV>", "file-type/LOCHKARTE>")
    url = replay_server.url("/catalog.ttl")
    replay_server.routes["/catalog.ttl"] = Response(text, content_type="text/turtle")
    context, source = make_source(url, handlungsfeld=["Umwelt"])
    job = run_job_through_queues(context, source["id"])

    assert job["stats"]["added"] == 2 and failed_objects(job["id"]) == 0, object_messages(job["id"])
    warnings = object_messages(job["id"])
    assert any("http://example.org/themes/badeseen is not an EU data theme" in w for w in warnings)
    assert any("file-type/LOCHKARTE is not in our list of file formats" in w for w in warnings)
    assert all(w.startswith("Warning: ") for w in warnings)
    bathing = next(d for d in harvested(source) if d["title"] == "Badegewässer in Hamburg")
    assert bathing["handlungsfeld"] == ["umwelt-energie-klima"]  # the source's default


# ---------------------------------------------------------------- bad input

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="http://example.org/ds/1"><dct:title>&secret;</dct:title></dcat:Dataset>
</rdf:RDF>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="http://example.org/ds/1"><dct:title>&lol4;</dct:title></dcat:Dataset>
</rdf:RDF>"""


def bad_page(replay_server, url):
    """The second page of the catalogue, as the broken variant leaves it."""
    return {
        "malformed turtle": (Response(b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<x> a dcat:Dataset ;;; ]",
                                      content_type="text/turtle"), {}, "is not valid RDF"),
        "external entity": (Response(XXE, content_type="application/rdf+xml"), {},
                            "DOCTYPE or entity declarations is refused"),
        "entity expansion": (Response(LAUGHS, content_type="application/rdf+xml"), {},
                             "DOCTYPE or entity declarations is refused"),
        "over the size limit": (Response(b"#" * 300_000, content_type="text/turtle"),
                                {"max_page_mb": 0.1}, "more than the limit"),
        "paging loop": (Response(page_linking_to(shared_file(EXAMPLE_3_0).read_text("utf-8"),
                                                 replay_server.url("/catalog.ttl?page=2"), url),
                                 content_type="text/turtle"), {}, "returns to a page already read"),
        "timeout": (Response(shared_file(EXAMPLE_3_0).read_bytes(), content_type="text/turtle", delay=3),
                    {"timeout": 1}, "did not answer within 1 s"),
        "server error": (Response(b"oops", status=503, content_type="text/plain"), {}, "HTTP 503"),
        # A DTD behind 64 KiB of comment, where a look at the start would miss it.
        "entity after 64 KiB": (Response(XXE.replace(b"<?xml version=\"1.0\"?>", b"<?xml version=\"1.0\"?>\n<!--"
                                                     + b"x" * 70_000 + b"-->", 1),
                                         content_type="application/rdf+xml"), {},
                                "DOCTYPE or entity declarations is refused"),
        "entity in UTF-16": (Response(XXE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"', 1)
                                      .encode("utf-16"), content_type="application/rdf+xml"), {},
                             "DOCTYPE or entity declarations is refused"),
        "remote JSON-LD context": (Response(json.dumps({
            "@context": replay_server.url("/context.jsonld"), "@id": "http://example.org/ds/1",
            "@type": "http://www.w3.org/ns/dcat#Dataset"}).encode(), content_type="application/ld+json"), {},
            "remote contexts are never fetched"),
        "next page on another server": (Response(page_linking_to(shared_file(EXAMPLE_3_0).read_text("utf-8"),
                                                                 replay_server.url("/catalog.ttl?page=2"),
                                                                 "http://127.0.0.2:9/catalog.ttl?page=3"),
                                                 content_type="text/turtle"), {}, "paging must stay on it"),
    }


@pytest.mark.parametrize("case", ["malformed turtle", "external entity", "entity expansion",
                                  "over the size limit", "paging loop", "timeout", "server error",
                                  "entity after 64 KiB", "entity in UTF-16", "remote JSON-LD context",
                                  "next page on another server"])
def test_bad_input_ends_as_a_gather_error_and_keeps_the_catalogue(two_page_catalogue, replay_server, case):
    context, source = make_source(two_page_catalogue, timeout=10)
    run_job_through_queues(context, source["id"])
    before = {d["id"]: d["metadata_modified"] for d in harvested(source)}
    assert len(before) == 3

    response, config, message = bad_page(replay_server, two_page_catalogue)[case]
    replay_server.routes["/catalog.ttl?page=2"] = response
    if config:
        tk.get_action("harvest_source_update")(dict(context), {
            "id": source["id"], "name": source["name"], "title": source["title"],
            "url": source["url"], "source_type": source["source_type"],
            "owner_org": source["owner_org"], "frequency": "MANUAL",
            "config": json.dumps({"timeout": 10, **config})})
    job = run_job_through_queues(context, source["id"])

    errors = gather_messages(job["id"])
    assert any(message in e for e in errors), errors
    assert any("Nothing was changed in the catalogue" in e for e in errors)
    assert {d["id"]: d["metadata_modified"] for d in harvested(source)} == before
    for dataset_id in before:
        assert model.Package.get(dataset_id).state == "active"
    assert "/context.jsonld" not in replay_server.requests





@pytest.mark.parametrize("case", ["empty body", "HTML error page", "no datasets", "shrunk by two thirds"])
def test_no_mass_deletion_by_accident_and_an_operator_can_confirm_one(two_page_catalogue, replay_server, case):
    context, source = make_source(two_page_catalogue, timeout=10)
    run_job_through_queues(context, source["id"])
    before = {d["id"]: d["metadata_modified"] for d in harvested(source)}
    assert len(before) == 3
    empty_turtle = "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
    replay_server.routes["/catalog.ttl"] = {
        "empty body": Response(b"", content_type="text/turtle"),
        "HTML error page": Response(b"<html><body><h1>Wartungsarbeiten</h1></body></html>",
                                    content_type="text/html"),
        "no datasets": Response(empty_turtle.encode(), content_type="text/turtle"),
        "shrunk by two thirds": Response(page_linking_to(empty_turtle, two_page_catalogue,
                                                         replay_server.url("/catalog.ttl?page=2")),
                                         content_type="text/turtle"),
    }[case]
    job = run_job_through_queues(context, source["id"])
    errors = gather_messages(job["id"])
    assert any("nothing was deleted" in e and "Nothing was changed in the catalogue" in e for e in errors), errors
    assert {d["id"]: d["metadata_modified"] for d in harvested(source)} == before

    if case == "shrunk by two thirds":  # the operator confirms the shrink
        tk.get_action("harvest_source_update")(dict(context), {
            "id": source["id"], "name": source["name"], "title": source["title"], "url": source["url"],
            "source_type": source["source_type"], "owner_org": source["owner_org"], "frequency": "MANUAL",
            "config": json.dumps({"timeout": 10, "allow_mass_deletion": True})})
        confirmed = run_job_through_queues(context, source["id"])
        assert confirmed["stats"]["deleted"] == 2
        assert len(harvested(source)) == 1
