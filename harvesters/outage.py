"""Telling a failed harvest object from a failed service, and waiting out the latter.

Why: an import that fails because PostgreSQL restarts, Solr is stopped or
Redis is away says nothing about the object. Recorded as the object's error,
the dataset would be missing until the next harvest (and with PostgreSQL
down, even the error could not be written). So when an import fails, we ask
the three services whether they answer; if one does not, the failure is an
outage: the consumer waits until all of them answer again and runs the
object once more (`queue_consumers._handle`).
"""
import logging
import time

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

POLL_SECONDS = 2


class ServiceOutage(Exception):
    """An import failed while a service the portal needs did not answer."""

    def __init__(self, services):
        self.services = services
        super().__init__(f"{', '.join(services)} did not answer")


def _postgres_answers():
    from ckan import model
    with model.meta.engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))


def _solr_answers():
    from ckan.lib.search.common import make_connection
    make_connection().ping()


def _redis_answers():
    from ckan.lib.redis import connect_to_redis
    connect_to_redis().ping()


PROBES = {"PostgreSQL": _postgres_answers, "Solr": _solr_answers, "Redis": _redis_answers}


def unavailable():
    """Names of the services that do not answer right now (empty when all do)."""
    silent = []
    for name, probe in PROBES.items():
        try:
            probe()
        except Exception as error:  # noqa: BLE001  (any failure to answer counts)
            log.debug("%s does not answer: %s", name, error)
            silent.append(name)
    return silent


def raise_if_outage(error):
    """After a failed import (rolled back): ServiceOutage if a service is away, else nothing."""
    silent = unavailable()
    if silent:
        raise ServiceOutage(silent) from error


def wait_for_services(max_seconds=None):
    """Block until every service answers (True) or `max_seconds` pass (False)."""
    if max_seconds is None:
        max_seconds = tk.config.get("ckanext.smartcityms.harvest_outage_wait")
    deadline = time.monotonic() + max_seconds
    silent = unavailable()
    while silent:
        if time.monotonic() >= deadline:
            return False
        log.warning("Waiting for %s before going on with the harvest", ", ".join(silent))
        time.sleep(POLL_SECONDS)
        silent = unavailable()
    return True
