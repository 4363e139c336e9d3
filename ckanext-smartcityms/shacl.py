"""SHACL validation of our DCAT-AP.de output, offline.

Two shape sets, loaded from the shapes folder (`ckanext.smartcityms.shapes_path`,
by default the read-only `shared/dcat` folder beside the repository):

* `semic-3.0.1`: SEMIC DCAT-AP 3.0.1 with its range shapes. The 3.0.1
  ranges.ttl links five property shapes that exist only in 3.0.0; those
  dangling links are dropped so the set runs (documented defect).
* `govdata-3.0`: GovData's DCAT-AP.de 3.0 profile (v30_de_spec): the fork's
  DCAT-AP 3.0 shapes plus the German additions, deprecations and controlled
  vocabularies. Its vocabulary checks look for skos:inScheme triples in the
  data, so the vocabularies are merged into the data graph first: the
  GovData and EU files from the shapes folder and our own vocabularies
  (schemas/vocabularies), whose URIs are those of the EU and DCAT-AP.de lists.

owl:imports are never followed (there is no network, and the GovData import
files only point at remote copies).
"""
import functools
import os
import pathlib
from dataclasses import dataclass

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH, SKOS

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import vocabularies

SHAPE_SETS = {
    "semic-3.0.1": [
        "shacl/semic-dcat-ap/3.0.1/dcat-ap-SHACL.ttl",
        "shacl/semic-dcat-ap/3.0.1/ranges.ttl",
    ],
    "govdata-3.0": [
        "shacl/init-dcat-ap-de-fork/master/dcat-ap-SHACL.ttl",
        "shacl/govdata-validator/v3.0/dcat-ap-de-imports.ttl",
        "shacl/govdata-validator/v3.0/dcat-ap-SHACL-DE.ttl",
        "shacl/govdata-validator/v3.0/dcat-ap-de-deprecated.ttl",
        "shacl/govdata-validator/v3.0/dcat-ap-spec-german-additions.ttl",
        "shacl/govdata-validator/v3.0/dcat-ap-de-controlledvocabularies.ttl",
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
    configured = tk.config.get("ckanext.smartcityms.shapes_path")
    if configured:
        return pathlib.Path(configured)
    # The shared folder named by SCMS_SHARED (as for the tests' fixtures), else the
    # one beside the repository: <repo>/../shared (the package folder is <repo>/ckanext-smartcityms).
    shared = os.environ.get("SCMS_SHARED") or pathlib.Path(__file__).resolve().parents[1].parent / "shared"
    return pathlib.Path(shared) / "dcat"


def _read(relative):
    path = shapes_root() / relative
    if not path.is_file():
        raise ShapesMissing(
            f"{path} not found: set ckanext.smartcityms.shapes_path to the folder "
            "holding the DCAT-AP SHACL shapes and vocabularies (shacl/, vocab/)")
    graph = rdflib.Graph()
    graph.parse(path, format="xml" if path.suffix == ".rdf" else "turtle")
    return graph


@functools.lru_cache(maxsize=None)
def shapes(shape_set):
    graph = rdflib.Graph()
    for relative in SHAPE_SETS[shape_set]:
        graph += _read(relative)
    # Dangling sh:property links (SEMIC 3.0.1 ranges.ttl) make pyshacl abort.
    for subject, shape in list(graph.subject_objects(SH.property)):
        if (shape, SH.path, None) not in graph:
            graph.remove((subject, SH.property, shape))
    return graph


@functools.lru_cache(maxsize=None)
def vocabulary_graph():
    graph = rdflib.Graph()
    for relative in VOCABULARY_FILES:
        graph += _read(relative)
    for vocabulary in vocabularies.all_vocabularies():
        scheme = rdflib.URIRef(vocabulary.scheme)
        for concept in vocabulary.concepts:
            uri = rdflib.URIRef(concept["uri"])
            graph.add((uri, RDF.type, SKOS.Concept))
            graph.add((uri, SKOS.inScheme, scheme))
            graph.add((uri, SKOS.prefLabel, rdflib.Literal(concept["label"]["de"], lang="de")))
    for key in ("municipalityKey/05515000", "regionalKey/055150000000", "districtKey/05515"):
        uri = rdflib.URIRef(vocabularies.POLITICAL_GEOCODING + key)
        graph.add((uri, RDF.type, SKOS.Concept))
        graph.add((uri, SKOS.inScheme, rdflib.URIRef(vocabularies.POLITICAL_GEOCODING + key.split("/")[0])))
        graph.add((uri, SKOS.prefLabel, rdflib.Literal("Münster, Stadt", lang="de")))
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
            findings.append(Finding(
                shape_set=shape_set,
                severity=str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                focus=str(report.value(result, SH.focusNode)),
                path=str(report.value(result, SH.resultPath) or ""),
                message=str(report.value(result, SH.resultMessage) or ""),
                rule=str(report.value(result, SH.sourceShape) or ""),
            ))
    return findings


def violations(findings):
    return [f for f in findings if f.severity == "Violation"]
