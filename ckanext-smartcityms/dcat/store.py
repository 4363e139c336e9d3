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
import time

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


# Changed datasets wait in a Redis sorted set, scored by the time of their latest
# change; at most one job works them off (coalesced: a harvest of thousands of
# datasets is one job, not one forked worker process each).
PENDING = "dcat-refresh:changed"
SCHEDULED = "dcat-refresh:scheduled"
SCHEDULED_SECONDS = 3600  # a worker that died mid-job lets the next change schedule anew after this
BATCH = 200
POLL_SECONDS = 0.5
# Where Solr commits on its own schedule (solrconfig.xml: soft commit within 2 s),
# a change is refreshed once the index shows it: package_show then takes the
# validated dataset from the index instead of rebuilding it from the database,
# a tenth of the cost.
INDEX_VISIBLE_SECONDS = 2.5
TITLE = "DCAT Turtle of changed datasets"

# Atomically: the ids changed at or before ARGV[1] (at most ARGV[2]), removed from the set.
_TAKE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #ids > 0 then redis.call('ZREM', KEYS[1], unpack(ids)) end
return ids
"""


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
        redis.zadd(cache.key(PENDING), {dataset_id: time.time()})
        if redis.set(cache.key(SCHEDULED), "1", nx=True, ex=SCHEDULED_SECONDS):
            tk.enqueue_job(refresh_pending, [], title=TITLE)
    except Exception:  # a cache must never break saving a dataset
        log.warning("Could not queue the DCAT refresh of %s", dataset_id, exc_info=True)


def _index_delay():
    return 0 if tk.config.get("ckan.search.solr_commit") else INDEX_VISIBLE_SECONDS


def _take(redis, batch, changed_before):
    return redis.register_script(_TAKE)(keys=[cache.key(PENDING)], args=[changed_before, batch])


def _next_batch(redis, batch, idle_until, deadline):
    """Ids to refresh now; [] when the job may end.

    While no other job waits, it waits for changes to show in the index, and
    until `idle_until` (time.monotonic) for further changes: during a harvest
    they trickle in, and a job that ended at each lull would be followed by
    the next at once, every job a forked, freshly initialised CKAN process (a
    second of CPU taken from the import). When other jobs wait, it takes what
    is there. Never past `deadline`.
    """
    from ckan.lib.jobs import get_queue
    while True:
        if get_queue().count:
            return _take(redis, batch, "+inf")
        ids = _take(redis, batch, time.time() - _index_delay())
        now = time.monotonic()
        if ids or now >= deadline or (now >= idle_until and not redis.zcard(cache.key(PENDING))):
            return ids
        time.sleep(POLL_SECONDS)


def refresh_pending(batch=BATCH, linger=None):
    """The background job: refresh every pending dataset, in batches; returns how many."""
    redis = cache.redis_connection()
    linger = tk.config.get("ckanext.smartcityms.dcat_refresh_linger_seconds") if linger is None else linger
    # Well inside the job timeout, after which RQ would kill the job mid-batch.
    deadline = time.monotonic() + tk.config.get("ckan.jobs.timeout") / 2
    done = 0
    while True:
        ids = _next_batch(redis, batch, time.monotonic() + linger, deadline)
        if not ids:
            redis.delete(cache.key(SCHEDULED))
            # A change that came in while the flag was still set would wait for nothing.
            if redis.zcard(cache.key(PENDING)) and redis.set(cache.key(SCHEDULED), "1", nx=True,
                                                            ex=SCHEDULED_SECONDS):
                if time.monotonic() < deadline:
                    continue
                tk.enqueue_job(refresh_pending, [], title=TITLE)
            return done
        for dataset_id in ids:
            try:
                refresh(dataset_id.decode())
            except Exception:  # one dataset's failure stays its own (it is rebuilt when read)
                log.exception("DCAT refresh of %s failed", dataset_id)
            done += 1
