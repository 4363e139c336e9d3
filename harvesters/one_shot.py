"""Run one harvest job in this process, without the queues (`ckan smartcityms harvest`).

Same stages as the consumers (ckanext-harvest's gather_stage and
fetch_and_import_stages), reported as they happen, so an operator sees a
progress bar and a summary on the console.
"""
import datetime

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource


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
        job_dict = tk.get_action("harvest_job_create")(dict(context), {"source_id": source_id})
    except tk.ValidationError as error:
        raise HarvestRunError(f"Cannot start a job: {error.error_summary or error.error_dict}")

    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    object_ids = queue.gather_stage(harvester, job) or []
    if on_gathered:
        on_gathered(len(object_ids))
    for object_id in object_ids:
        harvest_object = HarvestObject.get(object_id)
        queue.fetch_and_import_stages(harvester, harvest_object)
        if on_object:
            on_object(harvest_object.report_status)
        model.Session.remove()
    job = HarvestJob.get(job_dict["id"])
    job.status = "Finished"
    job.finished = datetime.datetime.utcnow()
    job.save()
    tk.get_action("harvest_source_reindex")(dict(context), {"id": source_id})
    return tk.get_action("harvest_job_show")(dict(context), {"id": job_dict["id"]})
