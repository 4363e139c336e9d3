"""The catalogue dumps wait for a quiet moment: one rebuild after a harvest, not one after another during it."""
import time

import pytest

from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories, helpers

from ckanext.smartcityms.downloads import catalogue_dump
from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "portal_downloads")

QUIET = "ckanext.smartcityms.catalogue_dump_quiet_seconds"
LONGEST = "ckanext.smartcityms.catalogue_dump_max_delay_seconds"


@pytest.fixture
def new_dataset():
    org = factories.Organization(image_url="")
    sysadmin = factories.Sysadmin()
    counter = iter(range(100))

    def create():
        return helpers.call_action("package_create", {"user": sysadmin["name"]},
                                   **minimal_dataset(org["id"], name=f"datensatz-{next(counter)}"))
    return create


def only_the_rebuild_is_left():
    """The job worker has taken the queued rebuild and nothing else waits."""
    ckan_jobs.get_queue().empty()


def queued_rebuilds():
    return [job for job in ckan_jobs.get_queue().jobs if job.meta.get("title") == catalogue_dump.TITLE]


def scheduled_rebuilds():
    """(job, seconds from now it is due) of each rebuild waiting in rq's scheduler."""
    queue = ckan_jobs.get_queue()
    registry = queue.scheduled_job_registry
    jobs = [queue.fetch_job(job_id) for job_id in registry.get_job_ids()]
    return [(job, registry.get_scheduled_time(job).timestamp() - time.time())
            for job in jobs if job is not None and job.meta.get("title") == catalogue_dump.TITLE]


@pytest.mark.ckan_config(QUIET, 600)
@pytest.mark.ckan_config(LONGEST, 3600)
def test_while_datasets_change_a_queued_rebuild_steps_aside_for_other_jobs_and_stays_queued_once(new_dataset):
    new_dataset()
    new_dataset()  # two changes, one queued rebuild
    assert len(queued_rebuilds()) == 1
    only_the_rebuild_is_left()
    ckan_jobs.enqueue(time.time, title="other work")  # ... until other work comes in
    assert catalogue_dump.rebuild_job() is None
    assert not catalogue_dump.path("jsonl").exists()
    # Not back in the queue (each turn is a forked CKAN process), but scheduled for when
    # the quiet period can first have passed.
    assert queued_rebuilds() == []
    [(_job, due_in)] = scheduled_rebuilds()
    assert 590 < due_in <= 600
    new_dataset()
    assert queued_rebuilds() == [] and len(scheduled_rebuilds()) == 1


@pytest.mark.ckan_config(QUIET, 1)
@pytest.mark.ckan_config(LONGEST, 3600)
def test_once_nothing_changed_for_the_quiet_period_the_dumps_are_rebuilt(new_dataset):
    new_dataset()
    only_the_rebuild_is_left()
    started = time.monotonic()
    assert catalogue_dump.rebuild_job() == 1  # waited (sleeping: no other job) for the quiet second
    assert time.monotonic() - started >= 0.9
    assert catalogue_dump.path("jsonl").read_text("utf-8").count("\n") == 1


@pytest.mark.ckan_config(QUIET, 3600)
@pytest.mark.ckan_config(LONGEST, 1)
def test_a_rebuild_waits_at_most_the_longest_delay_even_while_datasets_change(new_dataset):
    new_dataset()
    time.sleep(1.1)
    new_dataset()  # still changing
    only_the_rebuild_is_left()
    assert catalogue_dump.rebuild_job() == 2
