"""`ckan smartcityms …` commands."""
import sys

import click

from ckanext.smartcityms import demo


@click.group(short_help="Smart City Münster portal commands.")
def smartcityms():
    pass


@smartcityms.command("demo-content")
@click.option("--file", "content_file", default=None,
              help="Content file (default: ckanext.smartcityms.demo_content).")
def demo_content(content_file):
    """Create or update the demo organizations and datasets (idempotent)."""
    try:
        report = demo.load(content_file)
    except demo.DemoContentError as error:
        click.secho(f"Demo content not loaded: {error}", fg="red", err=True)
        sys.exit(1)
    for kind, names in report.items():
        click.echo(f"{kind}: {len(names)} ({', '.join(names)})")


@smartcityms.command("sysadmin")
@click.argument("name")
@click.option("--email", required=True, help="E-mail address of the account.")
@click.option("--password-file", required=True, type=click.File("r"),
              help="File whose first line is the password.")
@click.option("--token-name", default="demo", show_default=True,
              help="Name of the API token to (re)create.")
def sysadmin(name, email, password_file, token_name):
    """Create or reset a sysadmin and print a fresh API token."""
    password = password_file.readline().strip()
    try:
        token = demo.ensure_sysadmin(name, email, password, token_name)
    except demo.DemoContentError as error:
        click.secho(f"Sysadmin not set up: {error}", fg="red", err=True)
        sys.exit(1)
    click.echo(token)


@smartcityms.command("harvest-consumer")
@click.argument("stage", type=click.Choice(["gather", "fetch"]))
def harvest_consumer(stage):
    """Run a harvest gather or fetch consumer that survives idle queues.

    Use instead of `ckan harvester gather-consumer|fetch-consumer`, which die
    after 5 s of an idle queue on CKAN 2.12 (see harvesters/queue_consumers.py).
    """
    from ckanext.smartcityms.harvesters import queue_consumers
    queue_consumers.run(stage)
