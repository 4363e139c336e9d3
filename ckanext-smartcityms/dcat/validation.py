"""Validating our datasets' DCAT-AP.de serialisation (CLI and dataset page)."""
import collections
import json
import logging

import rdflib
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import dataset_uri

from ckanext.smartcityms import cache
from ckanext.smartcityms.dcat import shacl
from ckanext.smartcityms.dcat.profile import output_version

log = logging.getLogger(__name__)


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


def findings_or_problem(dataset_dict):
    """(findings, None), or (None, {"unavailable": reason}) without shapes, or
    (None, {"unserialisable": reason}) when the dataset cannot be written as RDF."""
    try:
        return dataset_findings_cached(dataset_dict), None
    except shacl.ShapesMissing as error:
        log.error("DCAT-AP.de validation unavailable: %s", error)
        return None, {"unavailable": str(error)}
    except Exception as error:  # the dataset's DCAT output itself fails: the editors must know
        log.exception("DCAT: dataset %s cannot be serialised", dataset_dict.get("id"))
        return None, {"unserialisable": f"{error.__class__.__name__}: {error}"[:300]}


def summary_by_rule(findings):
    """{(shape set, severity, message): number of findings}, most frequent first."""
    counter = collections.Counter((f.shape_set, f.severity, f.message or f.path) for f in findings)
    return counter.most_common()
