"""Where archives and dumps live on disk, and the state of each in Redis.

Files are written under a temporary name in the same folder and renamed
into place, so a reader never sees half a file and a failed build leaves the
previous file as it was. An archive's file name carries its version; the
state record says which version is ready, building or failed.
"""
import json
import os
import pathlib
import time

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cache

STATES = ("queued", "building", "ready", "failed")


class NotConfigured(Exception):
    """No folder for downloads (neither downloads_path nor ckan.storage_path is set)."""


def directory():
    configured = tk.config.get("ckanext.smartcityms.downloads_path")
    if not configured:
        storage = tk.config.get("ckan.storage_path")
        if not storage:
            raise NotConfigured("Bulk downloads need a folder: set ckanext.smartcityms.downloads_path "
                                "or ckan.storage_path")
        configured = os.path.join(storage, "smartcityms-downloads")
    path = pathlib.Path(configured)
    path.mkdir(parents=True, exist_ok=True)
    return path


def archive_path(name, version):
    return directory() / "archives" / f"{name}-{version}.zip"


def older_archives(name, keep_version):
    folder = directory() / "archives"
    return [p for p in folder.glob(f"{name}-*.zip")
            if p.name != f"{name}-{keep_version}.zip" and p.stem[len(name) + 1:].isalnum()]


def temporary(path):
    """A path beside `path` for writing it (renamed into place with os.replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.partial")


def _state_key(name):
    return cache.key("download", name)


def state(name):
    """The state record of archive or dump `name` ({} if none)."""
    raw = cache.redis_connection().get(_state_key(name))
    return json.loads(raw) if raw else {}


def set_state(name, **record):
    record["updated"] = time.time()
    cache.redis_connection().set(_state_key(name), json.dumps(record))
    return record


def enforce_storage_limit(keep):
    """Delete the least recently built archives while the folder exceeds its limit; never `keep`."""
    limit = tk.config.get("ckanext.smartcityms.download_storage_max_mb") * 1024 * 1024
    files = sorted((directory() / "archives").glob("*.zip"), key=lambda p: p.stat().st_mtime)
    total = sum(p.stat().st_size for p in files)
    removed = []
    for path in files:
        if total <= limit:
            break
        if path == keep:
            continue
        total -= path.stat().st_size
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed
