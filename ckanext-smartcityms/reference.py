"""The strategy's reference data: Handlungsfelder (fields of action) and projects.

Shipped in schemas/reference/*.json (the seed), stored in CKAN's system_info
table by `ckan smartcityms seed` and edited there by sysadmins in the web UI.
Handlungsfelder have the slugs of strategy 1.0; the beta strategy's names
(Umwelt, Mobilität, Lebensart, Teilhabe, Wirtschaft, Verwaltung) and every
earlier slug of a renamed entry are aliases, so old links and harvested
values still resolve. Retired entries still resolve but are no longer offered.
"""
import importlib.resources
import json
import time
import unicodedata

REFERENCE_PACKAGE = "ckanext.smartcityms.schemas"


def _load(name):
    resource = importlib.resources.files(REFERENCE_PACKAGE).joinpath(f"reference/{name}.json")
    return json.loads(resource.read_text("utf-8"))


def _key(text):
    """Case-, accent- and spacing-insensitive lookup key ("Mobilität" == "mobilitaet")."""
    text = text.strip().casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(part for part in "".join(c if c.isalnum() else " " for c in text).split())


# Sysadmins edit the reference data in the web UI (admin_views); it is kept in
# CKAN's system_info table. Until `ckan smartcityms seed` ran, the shipped
# files are used. Each process re-reads the table at most every few seconds,
# so an edit reaches every web and worker process within CACHE_SECONDS.
SYSTEM_INFO_KEYS = {"handlungsfelder": "smartcityms.reference.handlungsfelder",
                    "projekte": "smartcityms.reference.projekte"}
CACHE_SECONDS = 10
_cache = {}


def shipped(name):
    """The reference data shipped with the extension (the seed)."""
    return _load(name)


def _stored(name):
    """Stored JSON of `name`, read on a connection of its own: a lookup inside
    a validator must never commit or roll back the caller's transaction."""
    try:
        import sqlalchemy as sa
        from ckan.model import meta
        if meta.engine is None:
            return None
        with meta.engine.connect() as connection:
            value = connection.execute(sa.text("SELECT value FROM system_info WHERE key = :key"),
                                       {"key": SYSTEM_INFO_KEYS[name]}).scalar()
        return json.loads(value) if value else None
    except Exception:  # no database configured (unit tests, packaging): the shipped data
        return None


def data(name):
    """The current reference data `name` ("handlungsfelder" or "projekte"), with a lookup index."""
    now = time.monotonic()
    cached = _cache.get(name)
    if cached and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    loaded = _stored(name) or shipped(name)
    index = {}
    for entry in loaded[name]:
        for alias in [entry["slug"], *entry.get("aliases", []), *entry["title"].values()]:
            index.setdefault(_key(alias), entry)
    loaded = {**loaded, "_index": index}
    _cache[name] = (now, loaded)
    return loaded


def forget():
    """Drop this process's cached copy (after an edit)."""
    _cache.clear()


def store(name, content):
    """Save edited reference data for every process (system_info)."""
    from ckan.model import system_info
    clean = {k: v for k, v in content.items() if k != "_index"}
    changed = system_info.set_system_info(SYSTEM_INFO_KEYS[name], json.dumps(clean, ensure_ascii=False))
    forget()
    return changed


def handlungsfelder_data():
    return data("handlungsfelder")


def projekte_data():
    return data("projekte")


def handlungsfelder(include_retired=False):
    """The Handlungsfelder offered for new datasets (retired ones only on request)."""
    return [f for f in data("handlungsfelder")["handlungsfelder"] if include_retired or not f.get("retired")]


def projekte(include_retired=False):
    return [p for p in data("projekte")["projekte"] if include_retired or not p.get("retired")]


def _handlungsfeld_index():
    return data("handlungsfelder")["_index"]


def _projekt_index():
    return data("projekte")["_index"]


def handlungsfeld(value):
    """The Handlungsfeld for a slug, alias, title or concept URI, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _handlungsfeld_index().get(_key(value.rstrip("/").rsplit("/", 1)[-1]))


def projekt(value):
    if not isinstance(value, str) or not value.strip():
        return None
    return _projekt_index().get(_key(value.rstrip("/").rsplit("/", 1)[-1]))


def _without_marks(entry):
    return {k: v for k, v in entry.items() if k not in ("edited",)}


def seed(force=False):
    """Store the shipped reference data: create what is missing, update what the
    seed changed, keep entries edited or added in the web UI (unless `force`).
    Idempotent; returns {name: {created, updated, unchanged, kept}}."""
    report = {}
    for name in ("handlungsfelder", "projekte"):
        key = name  # the list of entries is stored under the data's own name
        seed_data, stored = shipped(name), _stored(name)
        counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
        current = list((stored or {}).get(key, []))
        merged = []
        for entry in seed_data[key]:
            found = next((e for e in current if e["slug"] == entry["slug"]), None) or next(
                (e for e in current if entry["slug"] in e.get("aliases", [])), None)
            if found is None:
                merged.append(entry)
                counts["created"] += 1
                continue
            current.remove(found)
            if found.get("edited") and not force:
                merged.append(found)
                counts["kept"] += 1
            elif _without_marks(found) == entry:
                merged.append(found)
                counts["unchanged"] += 1
            else:
                merged.append(entry)
                counts["updated"] += 1
        merged.extend(current)  # added in the web UI
        counts["kept"] += len(current)
        content = {**seed_data, **{k: v for k, v in (stored or {}).items() if k != key}, key: merged}
        store(name, content)
        report[name] = counts
    return report
