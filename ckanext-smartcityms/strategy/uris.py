"""Stable URIs of the Handlungsfelder (a SKOS concept scheme) and the projects.

Scheme: <site>/vocab/handlungsfelder, concepts: <site>/vocab/handlungsfelder/<slug>,
projects: <site>/projekt/<slug>. The DCAT output, the SKOS vocabulary and
the pages use these, so they live with the data they name.
"""
from rdflib import URIRef

from ckanext.dcat.utils import catalog_uri


def handlungsfeld_scheme_uri():
    return catalog_uri().rstrip("/") + "/vocab/handlungsfelder"


def handlungsfeld_uri(slug):
    return URIRef(f"{handlungsfeld_scheme_uri()}/{slug}")


def projekt_uri(slug):
    return URIRef(f"{catalog_uri().rstrip('/')}/projekt/{slug}")
