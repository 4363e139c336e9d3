"""Turtle catalogue pages from stored per-dataset fragments (dcat_fragments).

A catalogue page is the catalogue node (publisher, paging, dcat:dataset links)
plus one graph per dataset. Turtle documents can be concatenated (each
fragment keeps its own @prefix lines; blank node labels are unique), so each
dataset's Turtle is serialised once per version and reused until the dataset
changes, instead of rebuilding and re-serialising the whole page graph on
every request. Other formats and other profiles go through ckanext-dcat's
own serialiser unchanged.
"""
import logging

from rdflib import URIRef

import ckan.plugins.toolkit as tk
from ckanext.dcat.logic import _pagination_info, _search_ckan_datasets
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import dataset_uri, url_to_rdflib_format

from ckanext.smartcityms.dcat import store as dcat_store

log = logging.getLogger(__name__)
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
    tk.check_access("dcat_catalog_show", context, data_dict)
    query = _search_ckan_datasets(context, data_dict)
    pagination_info = _pagination_info(query, data_dict)
    if _is_fast_path(data_dict):
        return catalog_turtle(query["results"], pagination_info)
    return catalog_in_any_format(query["results"], pagination_info, data_dict)


def catalog_in_any_format(dataset_dicts, pagination_info, data_dict):
    """What ckanext-dcat's own action answers; a dataset that cannot be serialised
    in this format is left out (and logged) instead of failing the page."""
    profiles, rdf_format = data_dict.get("profiles"), data_dict.get("format")
    try:
        return RDFSerializer(profiles=profiles).serialize_catalog(
            {}, dataset_dicts, _format=rdf_format, pagination_info=pagination_info)
    except Exception:
        log.warning("DCAT: a catalogue page in %s failed; looking for the dataset that breaks it",
                    rdf_format, exc_info=True)
    serialisable = []
    for dataset_dict in dataset_dicts:
        try:
            RDFSerializer(profiles=profiles).serialize_dataset(dataset_dict, _format=rdf_format)
            serialisable.append(dataset_dict)
        except Exception:
            log.exception("DCAT: dataset %s left out of the catalogue page: it cannot be serialised in %s",
                          dataset_dict.get("id"), rdf_format)
    return RDFSerializer(profiles=profiles).serialize_catalog(
        {}, serialisable, _format=rdf_format, pagination_info=pagination_info)


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
