"""Each dataset's DCAT-AP.de Turtle, stored per dataset version (cache.DCAT_TURTLE).

Catalogue pages are assembled from these fragments (dcat.catalog). The
store is Redis, so fragments are shared by every CKAN process and kept
across restarts. Each entry carries the output version it was built from
(profile.output_versions: dataset version and revision, URI, FORMAT_VERSION,
organization and strategy revisions); an entry of another version is rebuilt on the next
read, so a change of the organization or of a Handlungsfeld title shows at
once everywhere, even before the background refresh ran.
"""
import logging

from rdflib import Graph, URIRef

import ckan.plugins.toolkit as tk
from ckanext.dcat.utils import dataset_uri

from ckanext.smartcityms import cache
from ckanext.smartcityms.dcat.profile import DCATAPdeProfile, bind_prefixes, output_versions

log = logging.getLogger(__name__)
SEPARATOR = "\x00"


def enabled():
    return bool(tk.config.get("ckanext.smartcityms.dcat_graph_cache_size"))


def build(dataset_dict, dataset_ref):
    graph = Graph()
    bind_prefixes(graph)
    DCATAPdeProfile(graph).build_dataset_graph(dataset_dict, dataset_ref)
    return graph.serialize(format="turtle")


def fragments(items):
    """Turtle for each (dataset_dict, dataset_ref), built and stored where missing or stale;
    a dataset that cannot be serialised is left out."""
    return [fragment for fragment in aligned_fragments(items) if fragment is not None]


def aligned_fragments(items):
    """Like fragments(), one entry per item: None where the dataset cannot be serialised."""
    stored = cache.DCAT_TURTLE.get_many([d["id"] for d, _ref in items])
    result, updates = [], {}
    for (dataset_dict, dataset_ref), raw, version in zip(items, stored, output_versions(items)):
        if raw is not None and version is not None:
            stored_version, _sep, fragment = raw.decode("utf-8").partition(SEPARATOR)
            if stored_version == version:
                result.append(fragment)
                continue
        try:
            fragment = build(dataset_dict, dataset_ref)
        except Exception:  # one dataset never takes the page down; its editors see why (web.helpers)
            log.exception("DCAT: dataset %s left out of the catalogue page: it cannot be serialised",
                          dataset_dict.get("id"))
            result.append(None)
            continue
        if version is not None:
            updates[dataset_dict["id"]] = version + SEPARATOR + fragment
        result.append(fragment)
    cache.DCAT_TURTLE.set_many(updates)
    return result


def refresh(dataset_id):
    """Rebuild a dataset's fragment now (after it changed)."""
    try:
        dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})
    except tk.ObjectNotFound:
        return forget(dataset_id)
    if dataset.get("type") != "dataset" or dataset.get("state") != "active" or dataset.get("private"):
        return forget(dataset_id)
    fragments([(dataset, URIRef(dataset_uri(dataset)))])


def forget(dataset_id):
    cache.DCAT_TURTLE.delete(dataset_id)


def clear():
    return cache.DCAT_TURTLE.clear()


# Changed datasets wait in a Redis set; at most one job works them off (coalesced:
# a harvest of thousands of datasets is one job, not one forked worker process each).
PENDING = "dcat-refresh:pending"
SCHEDULED = "dcat-refresh:scheduled"
SCHEDULED_SECONDS = 3600  # a worker that died mid-job lets the next change schedule anew after this
BATCH = 200


def schedule_refresh(dataset_id):
    """Rebuild a changed dataset's fragment in the background job worker.

    Saving a dataset (or a harvest of thousands) does not wait for its
    serialisation; until the job ran, a catalogue page sees the stale entry
    (another version) and builds it itself.
    """
    if not dataset_id or not enabled():
        return
    try:
        redis = cache.redis_connection()
        redis.sadd(cache.key(PENDING), dataset_id)
        if redis.set(cache.key(SCHEDULED), "1", nx=True, ex=SCHEDULED_SECONDS):
            tk.enqueue_job(refresh_pending, [], title="DCAT Turtle of changed datasets")
    except Exception:  # a cache must never break saving a dataset
        log.warning("Could not queue the DCAT refresh of %s", dataset_id, exc_info=True)


def refresh_pending(batch=BATCH):
    """The background job: refresh every pending dataset, in batches; returns how many."""
    redis = cache.redis_connection()
    done = 0
    while True:
        ids = redis.spop(cache.key(PENDING), batch)
        if not ids:
            redis.delete(cache.key(SCHEDULED))
            # A change that came in while the flag was still set would wait for nothing: take it now.
            if redis.scard(cache.key(PENDING)) and redis.set(cache.key(SCHEDULED), "1", nx=True,
                                                            ex=SCHEDULED_SECONDS):
                continue
            return done
        for dataset_id in ids:
            try:
                refresh(dataset_id.decode())
            except Exception:  # one dataset's failure stays its own (it is rebuilt when read)
                log.exception("DCAT refresh of %s failed", dataset_id)
            done += 1
