"""Validating our datasets' DCAT-AP.de serialisation (CLI and dataset page)."""
import collections
import json

import rdflib
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import dataset_uri

from ckanext.smartcityms import cache
from ckanext.smartcityms.dcat import shacl
from ckanext.smartcityms.dcat.profile import output_version


def dataset_findings(dataset_dict):
    turtle = RDFSerializer(profiles=["dcat_ap_de"]).serialize_dataset(dataset_dict, _format="turtle")
    return shacl.validate(rdflib.Graph().parse(data=turtle, format="turtle"))


def dataset_findings_cached(dataset_dict):
    """Findings for a dataset's current DCAT output; validated anew when that output changes."""
    version = output_version(dataset_dict, dataset_uri(dataset_dict))
    key = (version, json.dumps(dataset_dict, sort_keys=True, default=str)) if version else None
    found = cache.VALIDATION.get(key) if key else None
    if found is None:
        found = tuple(dataset_findings(dataset_dict))
        if key:
            cache.VALIDATION.put(key, found)
    return found


def summary_by_rule(findings):
    """{(shape set, severity, message): number of findings}, most frequent first."""
    counter = collections.Counter((f.shape_set, f.severity, f.message or f.path) for f in findings)
    return counter.most_common()
