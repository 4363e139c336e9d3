"""The queued link check gives way to other background jobs: it works in slices
and queues the rest behind whatever waits, so one worker is never blocked for hours."""
import time

import pytest

from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories, helpers

from ckanext.smartcityms.quality import score
from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def three_datasets():
    org = factories.Organization(image_url="")
    context = {"user": factories.Sysadmin()["name"]}
    made = [helpers.call_action("package_create", dict(context), **minimal_dataset(org["id"], name=f"satz-{n}"))
            for n in range(3)]
    ckan_jobs.get_queue().empty()
    yield sorted(d["id"] for d in made)
    ckan_jobs.get_queue().empty()


def continuations():
    return [job for job in ckan_jobs.get_queue().jobs if job.meta.get("title") == score.TITLE]


@pytest.mark.ckan_config("ckanext.smartcityms.linkcheck_slice_seconds", 0)
def test_with_jobs_waiting_the_check_queues_the_rest_behind_them_and_the_rest_finishes_the_catalogue(three_datasets):
    ckan_jobs.enqueue(time.time, title="other work")
    first = score.assess_catalogue(in_slices=True)
    assert (first["datasets"], first["continues_after"]) == (1, three_datasets[0])
    [queued] = continuations()
    assert queued.kwargs == {"rate": None, "after": three_datasets[0], "in_slices": True}
    assert ckan_jobs.get_queue().jobs[0].meta.get("title") == "other work"  # the waiting job goes first
    ckan_jobs.get_queue().empty()
    rest = score.assess_catalogue(**queued.kwargs)  # nothing waits now: the rest in one slice
    assert rest["datasets"] == 2 and "continues_after" not in rest
    assert set(score.stored(three_datasets)) == set(three_datasets)


@pytest.mark.ckan_config("ckanext.smartcityms.linkcheck_slice_seconds", 0)
def test_with_nothing_waiting_or_run_from_the_console_it_works_in_one_piece(three_datasets):
    assert score.assess_catalogue(in_slices=True)["datasets"] == 3
    ckan_jobs.enqueue(time.time, title="other work")
    whole = score.assess_catalogue()  # `check-links --now`
    assert whole["datasets"] == 3 and "continues_after" not in whole
    assert continuations() == []
