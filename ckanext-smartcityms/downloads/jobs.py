"""Archives are built by the background job worker, once per version.

`request` is what the page and the API call: it answers at once with the
state, and queues a build only if no archive of the current version is ready
or on its way (a Redis flag per version, so a hundred clicks queue one job).
A build that fails leaves the last good archive in place and says why.
"""
import logging
import os
import time

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cache
from ckanext.smartcityms.downloads import archive, scope as scopes, store

log = logging.getLogger(__name__)
# A queued or running build older than this is taken for dead (worker killed) and queued again.
STALLED_SECONDS = 3600
# A failed build (not a failed resource: those are listed in the archive) is tried again after this.
RETRY_FAILED_SECONDS = 300


def _flag(name, version):
    return cache.key("download-queued", name, version)


def status(scope, record=None):
    """What a visitor sees: {'state', 'version', 'size', 'built', 'summary', 'message', 'stale'}
    (`record`: the archive's state record, if the caller has just read it)."""
    record = store.state(scope.name) if record is None else record
    current = scope.version
    ready_file = None
    if record.get("file"):
        path = store.directory() / "archives" / record["file"]
        ready_file = path if path.is_file() else None
    result = {"name": scope.name, "kind": scope.kind, "key": scope.key, "datasets": len(scope.datasets),
              "version": current, "state": "missing", "message": record.get("message"),
              "size": record.get("size"), "built": record.get("built"), "summary": record.get("summary"),
              "file": ready_file.name if ready_file else None}
    if ready_file and record.get("file_version") == current:
        result["state"] = "ready"
    elif record.get("version") == current and record.get("state") in ("queued", "building", "failed"):
        result["state"] = record["state"]
    result["stale"] = bool(ready_file) and result["state"] != "ready"
    return result


def request(scope):
    """Queue a build of the current version unless it is ready or on its way; returns status()."""
    record = store.state(scope.name)
    current = status(scope, record)
    if current["state"] == "ready" or not scope.version:
        return current
    age = time.time() - (record.get("updated") or 0)
    if (current["state"] in ("queued", "building") and age < STALLED_SECONDS
            or current["state"] == "failed" and age < RETRY_FAILED_SECONDS):
        return current
    if cache.redis_connection().set(_flag(scope.name, scope.version), "1", nx=True, ex=STALLED_SECONDS):
        store.set_state(scope.name, **{**record, "state": "queued", "version": scope.version, "message": None})
        tk.enqueue_job(build_job, [scope.kind, scope.key], title=f"Archive {scope.name}")
    return status(scope)


def build_job(kind, key):
    """The background job: build the archive of the current version (if still needed)."""
    try:
        scope = scopes.resolve(kind, key)
    except (tk.ObjectNotFound, scopes.TooManyDatasets) as error:
        log.info("Archive %s %s not built: %s", kind, key, error)
        return None
    return build_now(scope)


def build_now(scope):
    """Build `scope`'s archive in this process; returns status()."""
    version = scope.version
    record = store.state(scope.name)
    current = status(scope, record)
    if current["state"] == "ready":
        return current
    base = {k: record.get(k) for k in ("file", "file_version", "size", "built", "summary")}
    store.set_state(scope.name, **base, state="building", version=version)
    target = store.archive_path(scope.name, version)
    partial = store.temporary(target)
    try:
        report = archive.build(scope, partial, scopes.archive_max_bytes(),
                               tk.config.get("ckanext.smartcityms.download_fetch_timeout"))
        os.replace(partial, target)
    except Exception as error:  # the last good archive stays; the page says why this one failed
        log.exception("Archive %s failed", scope.name)
        if os.path.exists(partial):
            os.unlink(partial)
        store.set_state(scope.name, **base, state="failed", version=version,
                        message=f"{error.__class__.__name__}: {str(error)[:300]}")
        return status(scope)
    finally:
        cache.redis_connection().delete(_flag(scope.name, version))
    for older in store.older_archives(scope.name, version):
        older.unlink(missing_ok=True)
    store.enforce_storage_limit(keep=target)
    summary = report.summary()
    message = "size-limit" if report.capped else None
    store.set_state(scope.name, state="ready", version=version, file=target.name, file_version=version,
                    size=target.stat().st_size, built=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    summary=summary, message=message)
    return status(scope)
