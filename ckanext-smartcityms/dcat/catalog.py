"""Turtle catalogue pages from stored per-dataset fragments (dcat_fragments).

A catalogue page is the catalogue node (publisher, paging, dcat:dataset links)
plus one graph per dataset. Turtle documents can be concatenated (each
fragment keeps its own @prefix lines; blank node labels are unique), so each
dataset's Turtle is serialised once per version and reused until the dataset
changes, instead of rebuilding and re-serialising the whole page graph on
every request. Other formats and other profiles go through ckanext-dcat's
own serialiser unchanged.
"""
from rdflib import URIRef

import ckan.plugins.toolkit as tk
from ckanext.dcat.logic import _pagination_info, _search_ckan_datasets
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import dataset_uri, url_to_rdflib_format

from ckanext.smartcityms.dcat import store as dcat_store

OUR_PROFILE = ["dcat_ap_de"]
DCAT_DATASET = URIRef("http://www.w3.org/ns/dcat#dataset")


def _is_fast_path(data_dict):
    configured = tk.config.get("ckanext.dcat.rdf.profiles")
    configured = configured.split() if isinstance(configured, str) else list(configured or [])
    requested = data_dict.get("profiles") or configured
    return (url_to_rdflib_format(data_dict.get("format") or "xml") == "turtle"
            and list(requested) == OUR_PROFILE
            and dcat_store.enabled())


@tk.side_effect_free
@tk.chained_action
def dcat_catalog_show(original_action, context, data_dict):
    if not _is_fast_path(data_dict):
        return original_action(context, data_dict)
    tk.check_access("dcat_catalog_show", context, data_dict)
    query = _search_ckan_datasets(context, data_dict)
    return catalog_turtle(query["results"], _pagination_info(query, data_dict))


def catalog_turtle(dataset_dicts, pagination_info):
    header = RDFSerializer(profiles=OUR_PROFILE)
    catalog_ref = header.graph_from_catalog({})
    items = []
    for dataset_dict in dataset_dicts:
        dataset_ref = URIRef(dataset_uri(dataset_dict))
        if not header._add_source_catalog(catalog_ref, dataset_dict, dataset_ref):
            header.g.add((catalog_ref, DCAT_DATASET, dataset_ref))
        items.append((dataset_dict, dataset_ref))
    if pagination_info:
        header._add_pagination_triples(pagination_info)
    return "\n".join([header.g.serialize(format="turtle"), *dcat_store.fragments(items)])
