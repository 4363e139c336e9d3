"""Each dataset's DCAT-AP.de Turtle, stored in Redis per dataset version.

Catalogue pages are assembled from these fragments (dcat_catalog). Redis
makes them shared by every CKAN process and kept across restarts; a dataset's
fragment is rebuilt when the dataset is created or updated (IPackageController
in the plugin), so pages are served warm in the steady state. An entry
carries the version it was built from (metadata_modified, dataset URI and
FORMAT_VERSION); a stale or missing entry is rebuilt on the next read.
"""
import logging

from rdflib import Graph

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from ckanext.smartcityms.dcat_profile import DCATAPdeProfile, bind_prefixes

log = logging.getLogger(__name__)

# Bump when the profile's output changes, so stored fragments are rebuilt.
FORMAT_VERSION = "1"
SEPARATOR = "\x00"


def _key(dataset_id):
    return f"{tk.config.get('ckan.site_id')}:smartcityms:dcat-ttl:{dataset_id}"


def _version(dataset_dict, dataset_ref):
    return f"{FORMAT_VERSION}|{dataset_dict.get('metadata_modified')}|{dataset_ref}"


def enabled():
    return bool(tk.config.get("ckanext.smartcityms.dcat_graph_cache_size"))


def build(dataset_dict, dataset_ref):
    graph = Graph()
    bind_prefixes(graph)
    DCATAPdeProfile(graph).build_dataset_graph(dataset_dict, dataset_ref)
    return graph.serialize(format="turtle")


def fragments(items):
    """Turtle for each (dataset_dict, dataset_ref), built and stored where missing or stale."""
    redis = connect_to_redis()
    stored = redis.mget([_key(d["id"]) for d, _ref in items]) if items else []
    result, updates = [], {}
    for (dataset_dict, dataset_ref), raw in zip(items, stored):
        version = _version(dataset_dict, dataset_ref)
        if raw is not None:
            stored_version, _sep, fragment = raw.decode("utf-8").partition(SEPARATOR)
            if stored_version == version:
                result.append(fragment)
                continue
        fragment = build(dataset_dict, dataset_ref)
        updates[_key(dataset_dict["id"])] = version + SEPARATOR + fragment
        result.append(fragment)
    if updates:
        redis.mset(updates)
    return result


def refresh(dataset_id):
    """Rebuild a dataset's fragment now (after it changed)."""
    from ckanext.dcat.utils import dataset_uri
    from rdflib import URIRef
    try:
        dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})
    except tk.ObjectNotFound:
        return forget(dataset_id)
    if dataset.get("type") != "dataset" or dataset.get("state") != "active" or dataset.get("private"):
        return forget(dataset_id)
    fragments([(dataset, URIRef(dataset_uri(dataset)))])


def forget(dataset_id):
    connect_to_redis().delete(_key(dataset_id))


def clear():
    redis = connect_to_redis()
    keys = list(redis.scan_iter(match=_key("*"), count=1000))
    for start in range(0, len(keys), 1000):
        redis.delete(*keys[start:start + 1000])
    return len(keys)
