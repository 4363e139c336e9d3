"""Every cache of the portal, and the revisions that keep cached output true.

Nothing else in the package keeps data between calls; a module that needs a
cache takes one of the instances defined here, so there is one place to see
what is cached, how it is keyed and what clears it.

Revisions: a short random token per thing that cached output depends on,
kept in Redis so that every CKAN process (web workers, job worker, harvest
consumers) reads the same one. Changing the thing gives it a new token
(`bump`); keys built from tokens therefore change in every process at once,
and no process can serve or write back output of an older version. A token
missing from Redis (a flush, a fresh install) is created anew, which also
misses every older key. Revisions in use:

* `strategy`: the Handlungsfelder and projects (titles, aliases, retirement);
* `organization:<id>`: one organization (title, publisher type, homepage, e-mail);
* `dataset:<id>`: one dataset, for the changes that leave its
  metadata_modified as it was (CKAN's resource_delete does);
* `table:<resource id>`: the rows of one DataStore table (our bulk loads and
  the datastore_* actions write rows without touching the dataset).

Changes made through CKAN's actions are bumped twice: at the plugin hook
and again once the session has committed, so that a process reading in
between (the job worker picks up a refresh at once) cannot keep the old
state under the new token.

Kinds of cache:

* `ProcessCache`: per process, least recently used out; callers put the
  revisions their value depends on into its key.
* `SharedStore`: Redis, shared by every process and kept across restarts
  (the serialised DCAT Turtle of each dataset), or for a set time (the
  measurements of a sensor chart).
* `shipped`: memo for files shipped inside the package, which cannot change
  while a process runs.
"""
import collections
import functools
import logging
import threading
import uuid

import redis

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

_PROCESS_CACHES = []
_SHIPPED = []


def redis_connection():
    """The Redis connection the caches use (also for the work lists that keep them warm)."""
    from ckan.lib.redis import connect_to_redis
    if not tk.config.get("ckan.redis.url"):
        raise redis.ConnectionError("ckan.redis.url is not configured")
    return connect_to_redis()


def key(*parts):
    """A Redis key of ours, namespaced by the site id."""
    return ":".join([tk.config.get("ckan.site_id") or "ckan", "smartcityms", *parts])


# ------------------------------------------------------------------ revisions

def _request_memo():
    """Revisions read during this web request (one Redis read per name and request)."""
    try:
        import flask
        if flask.has_request_context():
            if not hasattr(flask.g, "smartcityms_revisions"):
                flask.g.smartcityms_revisions = {}
            return flask.g.smartcityms_revisions
    except RuntimeError:
        pass
    return None


def revisions(names):
    """{name: token} for the revisions `names`; None values if Redis is unreachable.

    Callers must not cache anything keyed by a None revision.
    """
    names = list(dict.fromkeys(names))
    memo = _request_memo()
    found = {n: memo[n] for n in names if memo is not None and n in memo}
    wanted = [n for n in names if n not in found]
    if not wanted:
        return found
    try:
        connection = redis_connection()
        keys = [key("revision", n) for n in wanted]
        values = connection.mget(keys)
        missing = [full for full, value in zip(keys, values) if value is None]
        if missing:
            # First use (or after a flush): new tokens; SET NX keeps one a concurrent process set.
            pipeline = connection.pipeline(transaction=False)
            for full in missing:
                pipeline.set(full, uuid.uuid4().hex, nx=True)
            pipeline.execute()
            values = connection.mget(keys)
        for name, value in zip(wanted, values):
            found[name] = value.decode() if isinstance(value, bytes) else value
    except redis.RedisError as error:
        log.warning("Cache revisions unavailable (%s); serving without caches", error)
        return {**found, **{n: None for n in wanted}}
    if memo is not None:
        memo.update({n: found[n] for n in wanted})
    return found


def revision(name):
    return revisions([name])[name]


def bump(name):
    """`name` changed: every key built from its revision is stale, in every process."""
    token = uuid.uuid4().hex
    try:
        redis_connection().set(key("revision", name), token)
    except redis.RedisError as error:
        # Without Redis no process can cache anything keyed by it (revisions() says None).
        log.warning("Could not bump cache revision %s: %s", name, error)
    memo = _request_memo()
    if memo is not None:
        memo.pop(name, None)
    return token


def bump_after_commit(name):
    """`name` changes in the current database transaction: bump now and once it is committed."""
    bump(name)
    try:
        import sqlalchemy as sa
        from ckan import model
        sa.event.listen(model.Session(), "after_commit", lambda _session: bump(name), once=True)
    except Exception:  # no ORM session here: the bump above is all there is
        log.debug("No session to bump %s after commit", name, exc_info=True)


def organization_revision_name(org_id):
    return f"organization:{org_id}"


def dataset_revision_name(dataset_id):
    return f"dataset:{dataset_id}"


def table_revision_name(resource_id):
    return f"table:{resource_id}"


def strategy_changed():
    bump("strategy")


def organization_changed(org_id):
    bump_after_commit(organization_revision_name(org_id))


def dataset_changed(dataset_id):
    bump_after_commit(dataset_revision_name(dataset_id))


def table_changed(resource_id):
    bump(table_revision_name(resource_id))


# ------------------------------------------------------------- process caches

class ProcessCache:
    """A per-process map, least recently used out beyond `limit` entries.

    Keys must carry everything the value depends on (versions, revisions);
    a key with a None part (revision unavailable) is never stored.
    """

    def __init__(self, name, limit):
        self.name = name
        self._limit = limit
        self._entries = collections.OrderedDict()
        self._lock = threading.Lock()
        _PROCESS_CACHES.append(self)

    def limit(self):
        return self._limit() if callable(self._limit) else self._limit

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value):
        limit = self.limit()
        if not limit or None in (key if isinstance(key, tuple) else (key,)):
            return value
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > limit:
                self._entries.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


def _dcat_graph_limit():
    return tk.config.get("ckanext.smartcityms.dcat_graph_cache_size") or 0


# Reference data as stored in system_info, keyed by the `strategy` revision.
STRATEGY = ProcessCache("strategy", limit=4)
# Publisher fields of organizations, keyed by (id, organization revision).
PUBLISHERS = ProcessCache("publishers", limit=1000)
# Triples of a dataset's DCAT graph, keyed by its DCAT version (dcat.store.version).
DCAT_GRAPHS = ProcessCache("dcat-graphs", limit=_dcat_graph_limit)
# SHACL findings of a dataset, keyed by its DCAT version and content.
VALIDATION = ProcessCache("validation", limit=256)


def clear_process_caches():
    """This process's caches, all of them (tests; a revision change needs no clearing)."""
    for cache in _PROCESS_CACHES:
        cache.clear()


# --------------------------------------------------------------- shared store

class SharedStore:
    """Values in Redis under `<site id>:smartcityms:<name>:<key>`, shared by every process."""

    def __init__(self, name):
        self.name = name

    def _full(self, name):
        return key(self.name, name)

    def get_many(self, keys):
        if not keys:
            return []
        return redis_connection().mget([self._full(k) for k in keys])

    def set_many(self, mapping):
        if mapping:
            redis_connection().mset({self._full(k): v for k, v in mapping.items()})

    def get(self, name):
        return redis_connection().get(self._full(name))

    def set(self, name, value, seconds):
        """Keep `value` for `seconds` only."""
        redis_connection().set(self._full(name), value, ex=seconds)

    def delete(self, name):
        redis_connection().delete(self._full(name))

    def clear(self):
        connection = redis_connection()
        keys = list(connection.scan_iter(match=self._full("*"), count=1000))
        for start in range(0, len(keys), 1000):
            connection.delete(*keys[start:start + 1000])
        return len(keys)


# Each dataset's DCAT-AP.de Turtle with the version it was built from (dcat.store).
DCAT_TURTLE = SharedStore("dcat-ttl")
# The measurements a sensor chart shows, as the source API answered, for a minute
# (web.sensor_measurements): every visitor's chart costs the source one request a minute.
SENSOR_MEASUREMENTS = SharedStore("sensor-measurements")


# ------------------------------------------------------------- shipped files

def shipped(function):
    """Memo for a function of files shipped with the package (vocabularies, shapes)."""
    memo = functools.lru_cache(maxsize=None)(function)
    _SHIPPED.append(memo)
    return memo
