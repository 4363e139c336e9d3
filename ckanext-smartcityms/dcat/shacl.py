"""SHACL validation of our DCAT-AP.de output, offline.

Two shape sets, shipped in dcat/shapes/ (byte-identical copies, sources and
licences in dcat/shapes/NOTICE); `ckanext.smartcityms.shapes_path` names
another folder of the same layout (shacl/, vocab/):

* `semic-3.0.1`: SEMIC DCAT-AP 3.0.1 with its range shapes. The 3.0.1
  ranges.ttl links five property shapes that exist only in 3.0.0; those
  dangling links are dropped so the set runs (documented defect).
* `govdata-3.0`: GovData's DCAT-AP.de 3.0 profile (v30_de_spec): the fork's
  DCAT-AP 3.0 shapes plus the DCAT-AP.de 3.0 release shapes: German additions, deprecations and controlled
  vocabularies. Its vocabulary checks look for skos:inScheme triples in the
  data, so the vocabularies are merged into the data graph first: the
  GovData and EU files from the shapes folder and our own vocabularies
  (schemas/vocabularies), whose URIs are those of the EU and DCAT-AP.de lists.

owl:imports are never followed (there is no network, and the GovData import
files only point at remote copies).

One finding is an accepted deviation, not a violation: a typed geometry
literal (gsp:wktLiteral, gsp:geoJSONLiteral) as locn:geometry, which both
shape sets refuse (sh:nodeKind BlankNodeOrIRI, sh:class locn:Geometry) while
ckanext-dcat's parsers read nothing else (profile.geometry_form(); GovData's
validator issue DCAT-AP.de-SHACL-Validation#27 discusses the same rule).
Findings keep it visible with the severity "Accepted"; any other finding on
locn:geometry stays what the shapes say.
"""
import importlib.resources
import logging
import pathlib
from dataclasses import dataclass

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH, SKOS

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cache
from ckanext.smartcityms.reference import geocoding, vocabularies

log = logging.getLogger(__name__)

SHAPE_SETS = {
    "semic-3.0.1": [
        "shacl/semic-dcat-ap/3.0.1/dcat-ap-SHACL.ttl",
        "shacl/semic-dcat-ap/3.0.1/ranges.ttl",
    ],
    "govdata-3.0": [
        "shacl/init-dcat-ap-de-fork/master/dcat-ap-SHACL.ttl",
        "shacl/dcat-ap.de-release/V3.0/dcat-ap-de-imports.ttl",
        "shacl/dcat-ap.de-release/V3.0/dcat-ap-SHACL-DE.ttl",
        "shacl/dcat-ap.de-release/V3.0/dcat-ap-de-deprecated.ttl",
        "shacl/dcat-ap.de-release/V3.0/dcat-ap-spec-german-additions.ttl",
        "shacl/dcat-ap.de-release/V3.0/dcat-ap-de-controlledvocabularies.ttl",
    ],
}
VOCABULARY_FILES = [
    "vocab/govdata/dcat-ap-de-contributors.rdf",
    "vocab/govdata/dcat-ap-de-licenses-open.rdf",
    "vocab/eu-authority-tables/fdk-reference-data/data-theme-sparql-result.ttl",
    "vocab/eu-authority-tables/fdk-reference-data/frequencies-sparql-result.ttl",
    "vocab/eu-authority-tables/fdk-reference-data/planned-availability-sparql-result.ttl",
    "vocab/eu-authority-tables/fdk-reference-data/distribution-status-sparql-result.ttl",
    "vocab/eu-authority-tables/fdk-reference-data/access-right-sparql-result.ttl",
    "vocab/eu-authority-tables/semic-dcat-ap_shacl-2017/ADMS_SKOS_v1.00.rdf",
]
NEEDS_VOCABULARIES = {"govdata-3.0"}


LOCN_GEOMETRY = rdflib.URIRef("http://www.w3.org/ns/locn#geometry")
GSP = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
GEOMETRY_LITERAL_TYPES = {GSP.wktLiteral, GSP.geoJSONLiteral}
GEOMETRY_NODE_RULES = {SH.NodeKindConstraintComponent, SH.ClassConstraintComponent}
ACCEPTED = "Accepted"
ACCEPTED_NOTE = ("accepted deviation: a typed geometry literal, the form ckanext-dcat's parsers read "
                 "(ckanext.smartcityms.dcat_geometry_form)")


class ShapesMissing(Exception):
    pass


@dataclass(frozen=True)
class Finding:
    shape_set: str
    severity: str  # Violation, Warning, Info
    focus: str
    path: str
    message: str
    rule: str


def shapes_root():
    """The folder with shacl/ and vocab/: the configured one, else the one shipped inside the package."""
    configured = tk.config.get("ckanext.smartcityms.shapes_path")
    if configured:
        return pathlib.Path(configured)
    return pathlib.Path(str(importlib.resources.files("ckanext.smartcityms.dcat").joinpath("shapes")))


def missing_files():
    """Shape and vocabulary files that cannot be read from shapes_root() (empty when all are there)."""
    root = shapes_root()
    wanted = [*(f for files in SHAPE_SETS.values() for f in files), *VOCABULARY_FILES]
    return [str(root / relative) for relative in wanted if not (root / relative).is_file()]


def check_at_startup():
    """Log, loudly, a shapes folder validation cannot use: it would otherwise only show as absent results.

    Checks that every file is there; whether each parses is checked when
    validation first runs (parsing all of them costs seconds), and a file
    that does not parse is reported the same way then (ShapesMissing).
    """
    missing = missing_files()
    if missing:
        log.error("DCAT-AP.de validation is unavailable: %d shape/vocabulary file(s) missing under %s "
                  "(ckanext.smartcityms.shapes_path), e.g. %s", len(missing), shapes_root(), missing[0])
    return missing


def _read(root, relative):
    path = pathlib.Path(root) / relative
    if not path.is_file():
        raise ShapesMissing(
            f"{path} not found: set ckanext.smartcityms.shapes_path to the folder "
            "holding the DCAT-AP SHACL shapes and vocabularies (shacl/, vocab/)")
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="xml" if path.suffix == ".rdf" else "turtle")
    except Exception as error:  # any parser error: the folder holds something else
        raise ShapesMissing(f"{path} cannot be read as RDF: {error.__class__.__name__}: {error}"[:500])
    return graph


def shapes(shape_set):
    return _shapes(str(shapes_root()), shape_set)


@cache.shipped
def _shapes(root, shape_set):
    graph = rdflib.Graph()
    for relative in SHAPE_SETS[shape_set]:
        graph += _read(root, relative)
    # Dangling sh:property links (SEMIC 3.0.1 ranges.ttl) make pyshacl abort.
    for subject, shape in list(graph.subject_objects(SH.property)):
        if (shape, SH.path, None) not in graph:
            graph.remove((subject, SH.property, shape))
    return graph


def vocabulary_graph():
    return _vocabulary_graph(str(shapes_root()))


@cache.shipped
def _vocabulary_graph(root):
    graph = rdflib.Graph()
    for relative in VOCABULARY_FILES:
        graph += _read(root, relative)
    for vocabulary in vocabularies.all_vocabularies():
        scheme = rdflib.URIRef(vocabulary.scheme)
        for concept in vocabulary.concepts:
            uri = rdflib.URIRef(concept["uri"])
            graph.add((uri, RDF.type, SKOS.Concept))
            graph.add((uri, SKOS.inScheme, scheme))
            graph.add((uri, SKOS.prefLabel, rdflib.Literal(concept["label"]["de"], lang="de")))
    for key in geocoding.CITY_KEYS:
        uri = rdflib.URIRef(key)
        scheme = key.rsplit("/", 1)[0]
        graph.add((uri, RDF.type, SKOS.Concept))
        graph.add((uri, SKOS.inScheme, rdflib.URIRef(scheme)))
        graph.add((uri, SKOS.prefLabel, rdflib.Literal(geocoding.CITY_LABEL, lang="de")))
    return graph


def validate(data_graph, shape_sets=tuple(SHAPE_SETS)):
    """All findings of the shape sets on `data_graph` (an rdflib Graph)."""
    findings = []
    for shape_set in shape_sets:
        data = rdflib.Graph()
        data += data_graph
        if shape_set in NEEDS_VOCABULARIES:
            data += vocabulary_graph()
        _conforms, report, _text = pyshacl.validate(
            data, shacl_graph=shapes(shape_set), inference="none", advanced=True,
            allow_warnings=True, do_owl_imports=False)
        for result in report.subjects(RDF.type, SH.ValidationResult):
            severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
            message = str(report.value(result, SH.resultMessage) or "")
            if is_geometry_literal_finding(report, result):
                severity, message = ACCEPTED, f"{message} ({ACCEPTED_NOTE})"
            findings.append(Finding(
                shape_set=shape_set,
                severity=severity,
                focus=str(report.value(result, SH.focusNode)),
                path=str(report.value(result, SH.resultPath) or ""),
                message=message,
                rule=str(report.value(result, SH.sourceShape) or ""),
            ))
    return findings


def is_geometry_literal_finding(report, result):
    """The finding of the one accepted deviation (see the module's text), and only that one."""
    value = report.value(result, SH.value)
    return (report.value(result, SH.resultPath) == LOCN_GEOMETRY
            and report.value(result, SH.sourceConstraintComponent) in GEOMETRY_NODE_RULES
            and isinstance(value, rdflib.Literal) and value.datatype in GEOMETRY_LITERAL_TYPES)


def violations(findings):
    return [f for f in findings if f.severity == "Violation"]
