"""When a harvested feed last delivered, and whether its dataset is stale.

Computed when a dataset is shown, from ckanext-harvest's own records: the
newest harvest object of the dataset that completed. A failed run leaves no
completed object, so a feed that stops delivering ages visibly, without a
job having to touch the dataset.
"""
import datetime

import sqlalchemy as sa

import ckan.model as model

LAST_SUCCESS = sa.text("SELECT max(import_finished) FROM harvest_object "
                       "WHERE package_id = :id AND state = 'COMPLETE'")


def last_success(package_id):
    """When the newest harvest object of the dataset completed (UTC), or None.

    On a connection of its own: showing a dataset inside someone's transaction
    must not commit, roll back or fail it."""
    with model.meta.engine.connect() as connection:
        return connection.execute(LAST_SUCCESS, {"id": package_id}).scalar()


def status(dataset, now=None):
    """{'last_success', 'stale', 'stale_after_hours'} for a dataset with `stale_after_hours`; else None."""
    hours = dataset.get("stale_after_hours")
    if not hours or not dataset.get("id"):
        return None
    try:
        hours = float(hours)
        last = last_success(dataset["id"])
    except (ValueError, sa.exc.SQLAlchemyError):  # e.g. no harvest tables on a site without harvesting
        return None
    now = now or datetime.datetime.utcnow()
    return {
        "last_success": last.isoformat(timespec="seconds") + "Z" if last else None,
        "stale": last is None or (now - last).total_seconds() > hours * 3600,
        "stale_after_hours": hours,
    }
