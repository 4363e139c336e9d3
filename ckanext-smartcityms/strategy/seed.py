"""`ckan smartcityms seed`: the shipped Handlungsfelder and projects into system_info."""
from ckanext.smartcityms.strategy import entries


def _without_marks(entry):
    return {k: v for k, v in entry.items() if k not in ("edited",)}


def seed(force=False):
    """Store the shipped reference data: create what is missing, update what the
    seed changed, keep entries edited or added in the web UI (unless `force`).
    Idempotent; returns {name: {created, updated, unchanged, kept}}."""
    report = {}
    for name in ("handlungsfelder", "projekte"):
        counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
        entries.update(name, lambda stored, name=name, counts=counts: _merged(name, stored, force, counts))
        report[name] = counts
    return report


def _merged(name, stored, force, counts):
    """The shipped data merged into what is stored (counted in `counts`)."""
    key = name  # the list of entries is stored under the data's own name
    seed_data = entries.shipped(name)
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
    return {**seed_data, **{k: v for k, v in (stored or {}).items() if k not in (key, "version")}, key: merged}
