"""Run one harvest job in this process, without the queues (`ckan smartcityms harvest`).

The job is never put on the gather queue, so the portal's consumers do not
process it as well; a source with a pending or running job is refused.

Same stages as the consumers (ckanext-harvest's gather_stage and
fetch_and_import_stages), reported as they happen, so an operator sees a
progress bar and a summary on the console.
"""
import datetime

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest import queue
from ckanext.harvest.logic import HarvestJobExists
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

from ckanext.smartcityms.harvesters import outage


class HarvestRunError(Exception):
    pass


def run(source_id_or_name, on_gathered=None, on_object=None):
    """Returns the finished job dict (with stats)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"user": site_user, "ignore_auth": True}
    package = model.Package.get(source_id_or_name)
    source = HarvestSource.get(package.id) if package is not None else None
    if source is None:
        raise HarvestRunError(f"There is no harvest source {source_id_or_name!r}")
    source_id = source.id  # the session is renewed per object below
    harvester = queue.get_harvester(source.type)
    if harvester is None:
        raise HarvestRunError(f"No harvester plugin for source type {source.type!r} is enabled")
    try:
        # run=False: the job is not put on the gather queue, so no consumer processes it too.
        job_dict = tk.get_action("harvest_job_create")(dict(context), {"source_id": source_id, "run": False})
    except HarvestJobExists:
        pending = HarvestJob.filter(source_id=source_id).filter(HarvestJob.status.in_(["New", "Running"])).first()
        raise HarvestRunError(
            f"Source {source_id_or_name!r} already has a {(pending.status if pending else 'pending').lower()} job "
            f"({pending.id if pending else '?'}); let it finish, or end it with "
            f"`ckan harvester job-abort {source_id_or_name}`")
    except tk.ValidationError as error:
        raise HarvestRunError(f"Cannot start a job: {error.error_summary or error.error_dict}")

    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    try:
        object_ids = queue.gather_stage(harvester, job) or []
        if on_gathered:
            on_gathered(len(object_ids))
        for done, object_id in enumerate(object_ids):
            harvest_object = HarvestObject.get(object_id)
            try:
                queue.fetch_and_import_stages(harvester, harvest_object)
            except outage.ServiceOutage as error:
                model.Session.remove()
                raise HarvestRunError(
                    f"The harvest stopped after {done} of {len(object_ids)} objects: {error}. Nothing of the "
                    "object in progress was written; run the harvest again once the services answer.")
            if on_object:
                on_object(harvest_object.report_status)
            model.Session.remove()
    finally:  # also when this process fails: a job left "Running" would block every later run
        model.Session.remove()
        job = HarvestJob.get(job_dict["id"])
        job.status = "Finished"
        job.finished = datetime.datetime.utcnow()
        job.save()
    tk.get_action("harvest_source_reindex")(dict(context), {"id": source_id})
    return tk.get_action("harvest_job_show")(dict(context), {"id": job_dict["id"]})
