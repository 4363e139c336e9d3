"""Values made safe for RDF: IRIs percent-encoded, XML text without forbidden controls (no services)."""
import pytest
import rdflib

from ckanext.smartcityms.fields import iri

pytestmark = pytest.mark.fast

HOSTILE = 'https://tile.example.org/{z}/{x}/{y}.png?a="b"&c=<d>|e^f`g\\h i'


def test_what_an_iri_cannot_hold_is_percent_encoded_once():
    encoded = iri.as_iri(HOSTILE)
    assert encoded == ("https://tile.example.org/%7Bz%7D/%7Bx%7D/%7By%7D.png"
                       "?a=%22b%22&c=%3Cd%3E%7Ce%5Ef%60g%5Ch%20i")
    assert iri.as_iri(encoded) == encoded
    assert iri.as_iri("https://münster.de/straße?x=%20") == "https://münster.de/straße?x=%20"
    assert not iri.needs_encoding(encoded)


@pytest.mark.parametrize("rdf_format", ["turtle", "xml", "json-ld", "nt"])
def test_encoded_iris_and_cleaned_text_serialise_and_parse_back(rdf_format):
    graph = rdflib.Graph()
    text = "Titel\x00mit\x07Steuerzeichen\u202e und Emoji 🚲 " + "x" * 100_000
    graph.add((rdflib.URIRef(iri.as_iri(HOSTILE)), rdflib.RDFS.label, rdflib.Literal(iri.xml_text(text))))
    parsed = rdflib.Graph().parse(data=graph.serialize(format=rdf_format), format=rdf_format)
    (subject, _p, label), = list(parsed)
    assert str(subject) == iri.as_iri(HOSTILE)
    assert str(label) == text.replace("\x00", "").replace("\x07", "")
