"""What the DCAT harvester refuses before rdflib sees a document (no services)."""
import json

import pytest

from ckanext.smartcityms.harvesters.dcat_ap_de import GatherFailed, _refuse_what_reaches_out

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("document", [
    {"@context": "https://example.org/context.jsonld", "@id": "x"},
    {"@context": ["https://example.org/a.jsonld", {"dcat": "http://www.w3.org/ns/dcat#"}]},
    {"@graph": [{"@context": {"@import": "https://example.org/b.jsonld"}, "@id": "y"}]},
])
def test_remote_json_ld_contexts_are_refused(document):
    with pytest.raises(GatherFailed, match="remote contexts are never fetched"):
        _refuse_what_reaches_out("https://example.org/catalog", "json-ld", json.dumps(document).encode())


def test_embedded_contexts_and_deep_nesting():
    embedded = {"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@id": "x", "@type": "dcat:Dataset"}
    _refuse_what_reaches_out("https://example.org/catalog", "json-ld", json.dumps(embedded).encode())
    with pytest.raises(GatherFailed, match="not valid JSON-LD"):
        _refuse_what_reaches_out("https://example.org/catalog", "json-ld", b"[" * 100_000 + b"]" * 100_000)


def test_rdf_xml_with_a_dtd_is_refused_and_plain_rdf_xml_passes():
    plain = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    _refuse_what_reaches_out("https://example.org/catalog", "xml", plain)
    with pytest.raises(GatherFailed, match="DOCTYPE or entity"):
        _refuse_what_reaches_out("https://example.org/catalog", "xml",
                                 plain.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e "y">]>', 1))
