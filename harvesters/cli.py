"""The harvesting commands of `ckan smartcityms`: one job in the console, and the queue consumers.

They join the core's command group (ckanext.smartcityms.cli) through IClick
on our harvester plugins, so they exist wherever one of them is enabled.
"""
import sys

import click

from ckanext.smartcityms.harvesters import one_shot, queue_consumers


@click.command("harvest-consumer")
@click.argument("stage", type=click.Choice(["gather", "fetch"]))
def harvest_consumer(stage):
    """Run a harvest gather or fetch consumer that survives idle queues.

    Use instead of `ckan harvester gather-consumer|fetch-consumer`, which die
    after 5 s of an idle queue on CKAN 2.12 (see harvesters/queue_consumers.py).
    """
    queue_consumers.run(stage)


@click.command("harvest")
@click.argument("source")
def harvest(source):
    """Run a harvest job for SOURCE (id or name) now, in this process.

    Shows a progress bar and a summary; exits 1 if the job had errors.
    """
    state = {"bar": None}

    def gathered(count):
        click.echo(f"{count} object(s) to fetch and import", err=True)
        state["bar"] = click.progressbar(length=count, label="Importing", file=sys.stderr)
        state["bar"].__enter__()

    def imported(_status):
        state["bar"].update(1)

    try:
        job = one_shot.run(source, on_gathered=gathered, on_object=imported)
    except one_shot.HarvestRunError as error:
        click.secho(str(error), fg="red", err=True)
        sys.exit(2)
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
    stats = job["stats"]
    click.echo(", ".join(f"{key}: {stats.get(key, 0)}"
                         for key in ("added", "updated", "not modified", "deleted", "errored")))
    for error in job.get("gather_error_summary") or []:
        click.secho(f"gather error: {error['message']}", fg="red")
    for error in (job.get("object_error_summary") or [])[:20]:
        click.echo(f"{error['error_count']:5d} × {error['message']}")
    sys.exit(1 if job.get("gather_error_summary") or stats.get("errored") else 0)


# The demo's sources: what they harvest from the replay server (ckanext.smartcityms.demo.replay)
DEMO_BBOX = [6.0, 50.7, 7.8, 52.1]  # the recorded boxes (Cologne/Bonn) and the one in Münster


def demo_sources(replay_url):
    from ckanext.smartcityms.demo.replay import demo_feeds
    return [
        {"name": "opensensemap-demo", "title": "openSenseMap (Aufzeichnung)", "source_type": "opensensemap",
         "url": replay_url + "/boxes", "owner_org": "sensebox-community",
         "config": {"api_url": replay_url, "bbox": DEMO_BBOX, "retries": 1, "backoff": 0,
                    "inactive_after_days": 100000}},
        {"name": "stadtwerke-demo", "title": "Stadtwerke Münster (Aufzeichnung)", "source_type": "stadtwerke_ms",
         "url": replay_url + "/", "owner_org": "stadtwerke-muenster",
         "config": {"feeds": demo_feeds(replay_url), "timeout": 10}},
    ]


@click.command("demo-harvest")
@click.option("--replay-url", required=True, help="Base URL of the running replay server (bin/portal starts it).")
@click.option("--wait", type=int, default=300, show_default=True, help="Seconds to wait for the jobs.")
def demo_harvest(replay_url, wait):
    """Create the demo's harvest sources and harvest them through the running
    gather and fetch consumers; wait until the jobs are finished."""
    from ckanext.smartcityms.harvesters import demo_harvest as demo
    try:
        jobs = demo.run(demo_sources(replay_url.rstrip("/")), wait, echo=lambda text: click.echo(text, err=True))
    except demo.DemoHarvestError as error:
        click.secho(str(error), fg="red", err=True)
        sys.exit(1)
    failed = False
    for name, job in jobs.items():
        stats = job.get("stats") or {}
        click.echo(f"{name}: " + ", ".join(f"{key} {stats.get(key, 0)}"
                                           for key in ("added", "updated", "not modified", "errored")))
        for error in job.get("gather_error_summary") or []:
            failed = True
            click.secho(f"  gather error: {error['message']}", fg="red", err=True)
        # ckanext-harvest counts an object with warnings as "errored" although it was imported
        for error in (job.get("object_error_summary") or [])[:5]:
            click.echo(f"  {error['error_count']} × {error['message'][:200]}", err=True)
    sys.exit(1 if failed else 0)


def command_group():
    """The core's `smartcityms` group with the harvesting commands added."""
    from ckanext.smartcityms.cli import smartcityms
    for command in (harvest_consumer, harvest, demo_harvest):
        smartcityms.add_command(command)
    return smartcityms


class HarvestCommands:
    """IClick for our harvester plugins (each declares `plugins.implements(plugins.IClick)`)."""

    def get_commands(self):
        return [command_group()]
