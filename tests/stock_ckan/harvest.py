"""The stock CKAN site's side of the federation test, run in its own processes.

    CKAN_INI=tests/stock_ckan/stock.ini python tests/stock_ckan/harvest.py prepare CATALOG_URL
    CKAN_INI=tests/stock_ckan/stock.ini python tests/stock_ckan/harvest.py status JOB_ID

`prepare` empties the stock site (harvest sources, datasets, queues), creates
an organization and a `dcat_rdf` harvest source for CATALOG_URL and a job,
which ckanext-harvest sends to its gather queue; the stock consumers
(`ckan harvester gather-consumer`, `fetch-consumer`) do the rest. `status`
prints the job and what the site holds as JSON. Only stock actions are used.
"""
import json
import os
import sys


def load():
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    make_app(load_config(os.environ["CKAN_INI"]))
    import ckan.plugins.toolkit as tk
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return tk, {"user": site_user["name"], "ignore_auth": True}


def prepare(catalog_url):
    tk, context = load()
    from ckanext.harvest import queue
    queue.purge_queues()
    for source in tk.get_action("harvest_source_list")(dict(context), {"return_last_job_status": False}):
        tk.get_action("harvest_source_clear")(dict(context), {"id": source["id"]})
        tk.get_action("harvest_source_delete")(dict(context), {"id": source["id"]})
    for name in tk.get_action("package_list")(dict(context), {}):
        tk.get_action("dataset_purge")(dict(context), {"id": name})
    try:
        org = tk.get_action("organization_show")(dict(context), {"id": "muenster-open-data"})
    except tk.ObjectNotFound:
        org = tk.get_action("organization_create")(dict(context), {
            "name": "muenster-open-data", "title": "Open Data Münster (geerntet)"})
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": "smartcity-muenster", "title": "Smart City Münster", "url": catalog_url,
        "source_type": "dcat_rdf", "owner_org": org["id"], "frequency": "MANUAL",
        "config": json.dumps({"rdf_format": "text/turtle"})})
    job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"]})
    print(json.dumps({"job": job["id"], "source": source["id"]}))


def status(job_id):
    tk, context = load()
    from ckan import model
    from ckanext.harvest.model import HarvestGatherError, HarvestObject, HarvestObjectError
    job = tk.get_action("harvest_job_show")(dict(context), {"id": job_id})
    object_errors = [{"guid": guid, "message": message} for message, guid in model.Session.query(
        HarvestObjectError.message, HarvestObject.guid).join(HarvestObject)
        .filter(HarvestObject.harvest_job_id == job_id)]
    gather_errors = [e.message for e in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job_id)]
    found = tk.get_action("package_search")(dict(context), {"q": "*:*", "rows": 1000, "include_private": True})
    print(json.dumps({
        "status": job["status"], "stats": job.get("stats"), "object_errors": object_errors,
        "gather_errors": gather_errors, "objects": model.Session.query(HarvestObject)
        .filter_by(harvest_job_id=job_id).count(),
        "datasets": [{k: d.get(k) for k in ("name", "title", "notes", "uri", "spatial_coverage",
                                             "contact", "publisher", "theme", "num_resources")}
                     for d in found["results"]],
    }, default=str))


if __name__ == "__main__":
    {"prepare": prepare, "status": status}[sys.argv[1]](*sys.argv[2:])
