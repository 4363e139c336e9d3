"""The strategy's Handlungsfelder (fields of action) and projects: reading and lookup.

Shipped in schemas/reference/*.json (the seed), stored in CKAN's system_info
table by `ckan smartcityms seed` (strategy.seed) and edited there by
sysadmins in the web UI (web.admin). Handlungsfelder have the slugs of
strategy 1.0; the beta strategy's names (Umwelt, Mobilität, Lebensart,
Teilhabe, Wirtschaft, Verwaltung) and every earlier slug of a renamed entry
are aliases, so old links and harvested values still resolve. Retired
entries still resolve but are no longer offered.
"""
import copy
import importlib.resources
import json
import unicodedata

from ckanext.smartcityms import cache

REFERENCE_PACKAGE = "ckanext.smartcityms.schemas"
SYSTEM_INFO_KEYS = {"handlungsfelder": "smartcityms.reference.handlungsfelder",
                    "projekte": "smartcityms.reference.projekte"}
REVISION = "strategy"


@cache.shipped
def _shipped(name):
    resource = importlib.resources.files(REFERENCE_PACKAGE).joinpath(f"reference/{name}.json")
    return json.loads(resource.read_text("utf-8"))


def shipped(name):
    """The reference data shipped with the extension (the seed), a copy to change freely."""
    return copy.deepcopy(_shipped(name))


def _key(text):
    """Case-, accent- and spacing-insensitive lookup key ("Mobilität" == "mobilitaet")."""
    text = text.strip().casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(part for part in "".join(c if c.isalnum() else " " for c in text).split())


class StaleEdit(Exception):
    """The stored data changed since the editor's form was made."""


def _engine():
    from ckan.model import meta
    return meta.engine  # None where no database is configured (unit tests, packaging)


def stored(name):
    """Stored JSON of `name` (None if never stored), read on a connection of its own: a lookup
    inside a validator must never commit or roll back the caller's transaction.

    A database error is raised, never taken for "nothing stored": the next
    seed would otherwise overwrite every edit made in the web UI.
    """
    import sqlalchemy as sa
    engine = _engine()
    if engine is None:
        return None
    with engine.connect() as connection:
        value = connection.execute(sa.text("SELECT value FROM system_info WHERE key = :key"),
                                   {"key": SYSTEM_INFO_KEYS[name]}).scalar()
    return json.loads(value) if value else None


def data(name):
    """The current reference data `name` ("handlungsfelder" or "projekte"), with a lookup index.

    Cached per process under the `strategy` revision, so an edit in any
    process is seen by every process with its next lookup.
    """
    key = (name, cache.revision(REVISION))
    cached = cache.STRATEGY.get(key)
    if cached is not None:
        return cached
    loaded = stored(name) or shipped(name)
    index = {}
    for entry in loaded[name]:
        for alias in [entry["slug"], *entry.get("aliases", []), *entry["title"].values()]:
            index.setdefault(_key(alias), entry)
    return cache.STRATEGY.put(key, {**loaded, "_index": index})


def update(name, change, expected_version=None):
    """Change the stored data `name` in one transaction: read it locked, apply
    `change(stored) -> content` (`stored` is None when nothing was stored yet),
    write it with the next version number.

    With `expected_version` (the version the editor's form showed), a
    different stored version raises StaleEdit and nothing is written.
    """
    import sqlalchemy as sa
    key = SYSTEM_INFO_KEYS[name]
    with _engine().begin() as connection:
        value = connection.execute(sa.text("SELECT value FROM system_info WHERE key = :key FOR UPDATE"),
                                   {"key": key}).scalar()
        current = json.loads(value) if value else None
        version = int((current or {}).get("version", 0))
        if expected_version is not None and version != int(expected_version):
            raise StaleEdit(name)
        content = {k: v for k, v in change(copy.deepcopy(current)).items() if k != "_index"}
        content["version"] = version + 1
        connection.execute(sa.text(
            "INSERT INTO system_info (key, value, state) VALUES (:key, :value, 'active') "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"),
            {"key": key, "value": json.dumps(content, ensure_ascii=False)})
    cache.strategy_changed()
    return content


def store(name, content):
    """Save reference data for every process (system_info), replacing what is stored."""
    return update(name, lambda _current: content)


def handlungsfelder_data():
    return data("handlungsfelder")


def projekte_data():
    return data("projekte")


def handlungsfelder(include_retired=False):
    """The Handlungsfelder offered for new datasets (retired ones only on request)."""
    return [f for f in data("handlungsfelder")["handlungsfelder"] if include_retired or not f.get("retired")]


def projekte(include_retired=False):
    return [p for p in data("projekte")["projekte"] if include_retired or not p.get("retired")]


def _lookup(name, value):
    if not isinstance(value, str) or not value.strip():
        return None
    return data(name)["_index"].get(_key(value.rstrip("/").rsplit("/", 1)[-1]))


def handlungsfeld(value):
    """The Handlungsfeld for a slug, alias, title or concept URI, or None."""
    return _lookup("handlungsfelder", value)


def projekt(value):
    """The project for a slug, alias, title or URI, or None."""
    return _lookup("projekte", value)
