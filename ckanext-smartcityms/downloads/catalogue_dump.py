"""The whole public catalogue's metadata in two files, rebuilt after a change:

* `catalog.jsonl`: one line per dataset, as package_show gives it;
* `catalog.ttl`: the DCAT-AP.de catalogue in one Turtle document (the stored
  per-dataset fragments of dcat.store, so a rebuild serialises only what changed).

Changes are coalesced: a harvest of thousands of datasets queues one rebuild,
and a change during a rebuild queues exactly one more. A queued rebuild also
waits until datasets stopped changing for `catalogue_dump_quiet_seconds`
(at most `catalogue_dump_max_delay_seconds` after it was queued): without
that, the job worker rebuilt the growing dumps back to back for a whole
harvest, a full core taken from the import (measured with
`bin/bench harvest_pipeline`). While it waits it sleeps; when other jobs are
waiting it steps aside until the earliest moment the quiet period can have
passed (rq's scheduler, which `ckan jobs worker` runs), not to the back of
the queue: every turn of a job is a forked, freshly initialised CKAN
process, and turns one after another took the core it meant to leave.
"""
import datetime
import json
import logging
import os
import time

from rdflib import URIRef

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import dataset_uri

from ckanext.smartcityms import cache
from ckanext.smartcityms.dcat import catalog as dcat_catalog
from ckanext.smartcityms.dcat import store as dcat_store
from ckanext.smartcityms.downloads import store

log = logging.getLogger(__name__)
NAME = "catalogue"
FILES = {"jsonl": "catalog.jsonl", "ttl": "catalog.ttl"}
PAGE = 500
SCHEDULED = "catalogue-dump:scheduled"
CHANGED = "catalogue-dump:changed"
SCHEDULED_SECONDS = 3600
POLL_SECONDS = 1


def path(kind):
    return store.directory() / FILES[kind]


def schedule_rebuild():
    """Rebuild the dumps in the job worker (one queued rebuild at a time)."""
    try:
        connection, now = cache.redis_connection(), str(time.time())
        connection.set(cache.key(CHANGED), now, ex=SCHEDULED_SECONDS)
        if connection.set(cache.key(SCHEDULED), now, nx=True, ex=SCHEDULED_SECONDS):
            _enqueue()
    except Exception:  # a dump must never break saving a dataset
        log.warning("Could not queue the catalogue dump", exc_info=True)


TITLE = "Catalogue metadata dumps"


def _enqueue():
    tk.enqueue_job(rebuild_job, [], title=TITLE)


def _enqueue_in(seconds):
    from ckan.lib.jobs import get_queue
    get_queue().enqueue_in(datetime.timedelta(seconds=seconds), rebuild_job,
                           job_timeout=tk.config.get("ckan.jobs.timeout"), meta={"title": TITLE})


def _seconds_to_settle(connection):
    """0 once no dataset changed for the quiet period, or the rebuild waited its longest;
    else the seconds until that can first be the case."""
    now = time.time()
    queued_at = float(connection.get(cache.key(SCHEDULED)) or now)
    changed_at = float(connection.get(cache.key(CHANGED)) or 0)
    return max(0.0, min(changed_at + tk.config.get("ckanext.smartcityms.catalogue_dump_quiet_seconds") - now,
                        queued_at + tk.config.get("ckanext.smartcityms.catalogue_dump_max_delay_seconds") - now))


def rebuild_job():
    from ckan.lib.jobs import get_queue
    connection = cache.redis_connection()
    while (wait := _seconds_to_settle(connection)) > 0:
        if get_queue().count:
            # Other work first; the flag stays set, so no change queues a second rebuild.
            _enqueue_in(max(POLL_SECONDS, wait))
            return None
        time.sleep(min(POLL_SECONDS, wait))
    # Cleared first: a change from now on queues the next rebuild, which sees it.
    connection.delete(cache.key(SCHEDULED))
    return rebuild()


def _public_datasets():
    start = 0
    while True:
        found = tk.get_action("package_search")({"ignore_auth": True}, {
            "q": "*:*", "fq": "+dataset_type:dataset", "rows": PAGE, "start": start, "sort": "name asc",
            "include_private": False})
        yield from found["results"]
        start += PAGE
        if start >= found["count"] or not found["results"]:
            return


def rebuild():
    """Write both dumps now; returns the number of datasets."""
    jsonl_target, ttl_target = path("jsonl"), path("ttl")
    jsonl_partial, body_partial, ttl_partial = (store.temporary(jsonl_target), store.temporary(ttl_target),
                                                store.temporary(ttl_target))
    store.set_state(NAME, **{**store.state(NAME), "state": "building"})
    refs, count = [], 0
    try:
        with open(jsonl_partial, "w", encoding="utf-8") as jsonl, open(body_partial, "w", encoding="utf-8") as body:
            batch = []
            for dataset in _public_datasets():
                jsonl.write(json.dumps(dataset, ensure_ascii=False) + "\n")
                batch.append((dataset, URIRef(dataset_uri(dataset))))
                count += 1
                if len(batch) == PAGE:
                    refs += _write_fragments(body, batch)
                    batch = []
            refs += _write_fragments(body, batch)
        header = RDFSerializer(profiles=dcat_catalog.OUR_PROFILE)
        catalog_ref = header.graph_from_catalog({})
        for ref in refs:
            header.g.add((catalog_ref, dcat_catalog.DCAT_DATASET, ref))
        with open(ttl_partial, "w", encoding="utf-8") as ttl, open(body_partial, encoding="utf-8") as body:
            ttl.write(header.g.serialize(format="turtle") + "\n")
            while chunk := body.read(1024 * 1024):
                ttl.write(chunk)
        os.replace(jsonl_partial, jsonl_target)
        os.replace(ttl_partial, ttl_target)
    except Exception as error:  # the previous dumps stay as they were
        log.exception("Catalogue dump failed")
        store.set_state(NAME, **{**store.state(NAME), "state": "failed",
                                 "message": f"{error.__class__.__name__}: {str(error)[:300]}"})
        raise
    finally:
        for leftover in (jsonl_partial, body_partial, ttl_partial):
            if os.path.exists(leftover):
                os.unlink(leftover)
    store.set_state(NAME, state="ready", datasets=count, built=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    sizes={kind: path(kind).stat().st_size for kind in FILES}, message=None)
    return count


def _write_fragments(body, batch):
    """Each dataset's stored Turtle (built where stale); the refs of those that could be written."""
    written = []
    for (_dataset, ref), fragment in zip(batch, dcat_store.aligned_fragments(batch) if batch else []):
        if fragment is not None:  # a dataset that cannot be serialised is left out, and logged
            body.write(fragment + "\n")
            written.append(ref)
    return written
