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


def command_group():
    """The core's `smartcityms` group with the harvesting commands added."""
    from ckanext.smartcityms.cli import smartcityms
    for command in (harvest_consumer, harvest):
        smartcityms.add_command(command)
    return smartcityms


class HarvestCommands:
    """IClick for our harvester plugins (each declares `plugins.implements(plugins.IClick)`)."""

    def get_commands(self):
        return [command_group()]
