"""The Handlungsfelder as a SKOS concept scheme with stable URIs.

Scheme: <site>/vocab/handlungsfelder, concepts: <site>/vocab/handlungsfelder/<slug>.
German and English labels and definitions; the beta names are alternative
labels; each concept is linked with skos:closeMatch to the EU data themes it
corresponds to (the same mapping that derives dcat:theme for datasets).
"""
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ckanext.smartcityms.strategy import entries
from ckanext.smartcityms.strategy.themes import eu_theme_uris
from ckanext.smartcityms.strategy.uris import handlungsfeld_scheme_uri, handlungsfeld_uri


def handlungsfelder_graph(only_slug=None):
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dcterms", DCTERMS)
    scheme = URIRef(handlungsfeld_scheme_uri())
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    for lang, title in entries.handlungsfelder_data()["scheme_label"].items():
        graph.add((scheme, DCTERMS.title, Literal(title, lang=lang)))
        graph.add((scheme, SKOS.prefLabel, Literal(title, lang=lang)))
    for field in entries.handlungsfelder(include_retired=True):
        if only_slug and field["slug"] != only_slug:
            continue
        concept = handlungsfeld_uri(field["slug"])
        graph.add((scheme, SKOS.hasTopConcept, concept))
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, scheme))
        graph.add((concept, SKOS.topConceptOf, scheme))
        graph.add((concept, SKOS.notation, Literal(field["slug"])))
        for lang, label in field["title"].items():
            graph.add((concept, SKOS.prefLabel, Literal(label, lang=lang)))
        for lang, text in field["description"].items():
            graph.add((concept, SKOS.definition, Literal(text, lang=lang)))
        for alias in field["aliases"]:
            graph.add((concept, SKOS.altLabel, Literal(alias.capitalize(), lang="de")))
        for theme in eu_theme_uris([field["slug"]]):
            graph.add((concept, SKOS.closeMatch, URIRef(theme)))
    return graph
