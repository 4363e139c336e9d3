"""A dataset's quality now, and the scores stored for the dashboards.

`assess` judges one dataset from what is known: the link checker's stored
results and our SHACL check (cached per output version). The catalogue job
(`assess_catalogue`) checks links and stores one summary per dataset in Redis,
so the dashboards read scores instead of validating every dataset per request.

At a bounded rate the link check of a large catalogue takes hours, and the
portal has one job worker: run in one piece, it kept the DCAT refresh, the
catalogue dumps and the download archives waiting (in the demo, the dumps
came 6 minutes late). So the queued job works in slices
(`ckanext.smartcityms.linkcheck_slice_seconds`): when other jobs are waiting after a slice, it queues its own continuation
(from the next dataset id) behind them and ends.
"""
import datetime
import json
import logging
import time

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cache
from ckanext.smartcityms.dcat import shacl
from ckanext.smartcityms.dcat import validation as dcat_validation
from ckanext.smartcityms.fields.lists import as_list
from ckanext.smartcityms.quality import indicators, links

log = logging.getLogger(__name__)
SUMMARIES = "quality"
PAGE = 500
TITLE = "Link check and metadata quality"


def conformity(dataset):
    """True/False from our SHACL check of the dataset's DCAT output; None without shapes."""
    findings, problem = dcat_validation.findings_or_problem(dataset)
    if problem:
        return None if "unavailable" in problem else False
    return not shacl.violations(findings)


def assess(dataset):
    return indicators.assess(dataset, links.results(links.dataset_urls(dataset)), conformity(dataset))


def summary(dataset, assessment):
    return {
        "id": dataset["id"], "name": dataset["name"], "title": dataset.get("title") or dataset["name"],
        "organization": (dataset.get("organization") or {}).get("name"),
        "handlungsfeld": as_list(dataset.get("handlungsfeld")),
        "score": assessment.score, "rating": assessment.rating,
        "unknown": any(i.unknown for i in assessment.indicators),
        "missing": [{"key": i.key, "label": i.label, "lost": i.points - i.earned, "unknown": i.unknown}
                    for i in assessment.missing()],
        "assessed": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def store(dataset, assessment):
    cache.redis_connection().hset(cache.key(SUMMARIES), dataset["id"], json.dumps(summary(dataset, assessment)))


def stored(dataset_ids):
    ids = list(dataset_ids)
    if not ids:
        return {}
    raw = cache.redis_connection().hmget(cache.key(SUMMARIES), ids)
    return {i: json.loads(r) for i, r in zip(ids, raw) if r is not None}


def catalogue_datasets(context=None, fl=None, after=None):
    """Every dataset the context may see (default: every active public one), page by page,
    in id order (from the first id above `after`); all fields, or only those in `fl` ("id,name,…")."""
    start = 0
    fq = "+dataset_type:dataset" + (f' +id:{{"{after}" TO *]' if after else "")
    while True:
        query = {"q": "*:*", "fq": fq, "rows": PAGE, "start": start, "sort": "id asc"}
        if fl:
            query["fl"] = fl
        found = tk.get_action("package_search")(dict(context or {"ignore_auth": True}), query)
        yield from found["results"]
        start += PAGE
        if start >= found["count"]:
            return


def assess_catalogue(rate=None, after=None, in_slices=False):
    """Check the links that are due, then assess and store every dataset (with an id above `after`).

    `in_slices` (the queued job): after each slice, give way to waiting jobs
    by queueing the rest; the result then says where it goes on.
    """
    from ckan.lib.jobs import get_queue
    datasets = asked = 0
    slice_started, slice_seconds = time.monotonic(), tk.config.get("ckanext.smartcityms.linkcheck_slice_seconds")
    for dataset in catalogue_datasets(after=after):
        try:
            asked += links.check_urls(links.dataset_urls(dataset), rate)
            store(dataset, assess(dataset))
        except Exception:  # one dataset's failure stays its own
            log.exception("Quality: assessing dataset %s failed", dataset.get("id"))
        datasets += 1
        if in_slices and time.monotonic() - slice_started >= slice_seconds and get_queue().count:
            enqueue(rate, after=dataset["id"])
            log.info("Quality: %d datasets assessed, %d links checked; the rest after the waiting jobs",
                     datasets, asked)
            return {"datasets": datasets, "links_checked": asked, "continues_after": dataset["id"]}
    log.info("Quality: %d datasets assessed, %d links checked", datasets, asked)
    return {"datasets": datasets, "links_checked": asked}


def enqueue(rate=None, after=None):
    return tk.enqueue_job(assess_catalogue, [], {"rate": rate, "after": after, "in_slices": True}, title=TITLE,
                          rq_kwargs={"timeout": 6 * 3600})
