"""The link checker: whether the access and download URLs of our datasets answer.

Runs as a background job (`ckan smartcityms check-links`, worked off by
`ckan jobs worker`), never inside a web request: pages and the API only read
what it stored. Every request goes through the guarded client
(outbound.http: no internal targets unless configured, every redirect hop
checked, a deadline); at most `ckanext.smartcityms.linkcheck_rate` requests
per second, a URL checked again only after
`ckanext.smartcityms.linkcheck_max_age_hours`. Results live in Redis, one
hash field per URL: {"ok", "status", "error", "checked"}.
"""
import datetime
import json
import logging
import time

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cache
from ckanext.smartcityms.outbound import http

log = logging.getLogger(__name__)
RESULTS = "links"
TIMEOUT = 15


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def results(urls):
    """{url: stored result} for the URLs checked so far."""
    urls = [u for u in dict.fromkeys(urls) if u]
    if not urls:
        return {}
    stored = cache.redis_connection().hmget(cache.key(RESULTS), urls)
    return {url: json.loads(raw) for url, raw in zip(urls, stored) if raw is not None}


def dataset_urls(dataset):
    return [u for r in dataset.get("resources") or [] for u in (r.get("url"), r.get("download_url")) if u]


def check(url):
    """Ask `url` once (status line only) and store the answer."""
    try:
        status = http.probe(url, purpose=http.LINK_CHECK, timeout=TIMEOUT)
        result = {"ok": status < 400, "status": status, "error": None if status < 400 else f"HTTP {status}"}
    except http.FetchError as error:
        result = {"ok": False, "status": None, "error": str(error)[:300]}
    result["checked"] = _now().isoformat(timespec="seconds")
    cache.redis_connection().hset(cache.key(RESULTS), url, json.dumps(result))
    return result


def _due(urls):
    max_age = datetime.timedelta(hours=float(tk.config.get("ckanext.smartcityms.linkcheck_max_age_hours") or 24))
    known = results(urls)
    due = []
    for url in dict.fromkeys(urls):
        found = known.get(url)
        if found is None or _now() - datetime.datetime.fromisoformat(found["checked"]) >= max_age:
            due.append(url)
    return due


def check_urls(urls, rate=None):
    """Check the URLs that are due, at most `rate` per second; returns how many were asked."""
    rate = float(rate or tk.config.get("ckanext.smartcityms.linkcheck_rate") or 2)
    asked = 0
    for url in _due(urls):
        started = time.monotonic()
        check(url)
        asked += 1
        time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - started)))
    return asked
