"""`ckan smartcityms demo-harvest`: the demo's sources harvested the way an
operator's are, through the gather and fetch consumers `bin/portal` runs.

Sources are created or brought up to date by name (idempotent); a job is
started unless one is already waiting or running; then this waits, asking
ckanext-harvest to mark finished jobs (`harvest_jobs_run`, what the harvest
ticker does every minute) so the demo need not wait for the next tick.
"""
import json
import time

import ckan.plugins.toolkit as tk

POLL_SECONDS = 2


class DemoHarvestError(Exception):
    pass


def _context():
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}


def ensure_source(context, spec):
    """The harvest source of `spec`, created or updated to match it."""
    owner = tk.get_action("organization_show")(dict(context), {"id": spec["owner_org"]})
    wanted = {**spec, "owner_org": owner["id"], "frequency": "MANUAL", "config": json.dumps(spec["config"])}
    try:
        existing = tk.get_action("harvest_source_show")(dict(context), {"id": spec["name"]})
    except tk.ObjectNotFound:
        return tk.get_action("harvest_source_create")(dict(context), wanted)
    if (existing.get("url"), existing.get("config")) != (wanted["url"], wanted["config"]):
        return tk.get_action("harvest_source_update")(dict(context), {**wanted, "id": existing["id"]})
    return existing


def start_job(context, source):
    """The source's waiting or running job, or a new one sent to the gather queue."""
    jobs = tk.get_action("harvest_job_list")(dict(context), {"source_id": source["id"]})
    last = max(jobs, key=lambda j: j["created"]) if jobs else None
    if last and last["status"] in ("New", "Running"):
        return last
    return tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"], "run": True})


def run(specs, wait_seconds, echo=print):
    """Harvest every source of `specs`; returns {name: finished job}."""
    context = _context()
    try:
        sources = {spec["name"]: ensure_source(context, spec) for spec in specs}
    except tk.ObjectNotFound as error:
        raise DemoHarvestError(f"the demo organizations are missing ({error}); run `ckan smartcityms demo-content` first")
    except tk.ValidationError as error:
        raise DemoHarvestError(f"a demo source was refused: {error.error_summary}")
    started = {name: start_job(context, source)["id"] for name, source in sources.items()}
    echo("harvesting " + ", ".join(sources) + " through the gather and fetch consumers …")
    deadline = time.monotonic() + wait_seconds
    finished = {}
    while time.monotonic() < deadline:
        for name, job_id in started.items():
            if name in finished:
                continue
            tk.get_action("harvest_jobs_run")(dict(context), {"source_id": sources[name]["id"]})
            job = tk.get_action("harvest_job_show")(dict(context), {"id": job_id})
            if job["status"] == "Finished":
                finished[name] = job
        if len(finished) == len(started):
            return finished
        time.sleep(POLL_SECONDS)
    waiting = sorted(set(started) - set(finished))
    raise DemoHarvestError(f"not finished after {wait_seconds} s: {', '.join(waiting)} (are the gather and fetch "
                           "consumers running? `bin/portal status`; their logs are under var/log/)")
