"""Validating our datasets' DCAT-AP.de serialisation (CLI and dataset page)."""
import collections
import functools
import json

import rdflib
from ckanext.dcat.processors import RDFSerializer

from ckanext.smartcityms import shacl


def dataset_findings(dataset_dict):
    turtle = RDFSerializer(profiles=["dcat_ap_de"]).serialize_dataset(dataset_dict, _format="turtle")
    return shacl.validate(rdflib.Graph().parse(data=turtle, format="turtle"))


@functools.lru_cache(maxsize=256)
def _cached(dataset_id, metadata_modified, dataset_json):
    return tuple(dataset_findings(json.loads(dataset_json)))


def dataset_findings_cached(dataset_dict):
    """Findings for a dataset version; a changed dataset is validated anew."""
    return _cached(dataset_dict["id"], dataset_dict.get("metadata_modified"),
                   json.dumps(dataset_dict, sort_keys=True, default=str))


def summary_by_rule(findings):
    """{(shape set, severity, message): number of findings}, most frequent first."""
    counter = collections.Counter((f.shape_set, f.severity, f.message or f.path) for f in findings)
    return counter.most_common()
