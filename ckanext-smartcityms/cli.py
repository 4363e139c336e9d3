"""`ckan smartcityms …` commands of the core (demo, reference data, DCAT).

The harvesting commands (`harvest`, `harvest-consumer`) are added to this
group by the harvesters package (harvesters/cli.py), which depends on the
core, never the reverse.
"""
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


@smartcityms.command("db-upgrade")
def db_upgrade():
    """Create or migrate the extension's own tables (data requests)."""
    from ckanext.smartcityms.data_requests import migrations
    migrations.upgrade()
    click.echo(f"smartcityms tables at revision {migrations.current_version()}")


@smartcityms.command("outbound-proxy")
@click.option("--port", type=int, required=True, help="Port on 127.0.0.1 (ckan.download_proxy points here).")
def outbound_proxy(port):
    """Run the guarded forward proxy that ckanext-xloader's downloads go through."""
    import ckan.plugins.toolkit as tk
    from ckanext.smartcityms.outbound import proxy
    seconds = tk.config.get("ckanext.smartcityms.outbound_proxy_seconds")
    max_bytes = (tk.config.get("ckanext.xloader.max_content_length") or 1_000_000_000) + 1_000_000
    server = proxy.ProxyServer(port, seconds, max_bytes)
    click.echo(f"outbound proxy on 127.0.0.1:{port} (deadline {seconds} s a connection)")
    try:
        server.serve_forever()
    finally:
        server.server_close()


@smartcityms.command("seed")
@click.option("--force", is_flag=True, help="Also overwrite entries edited in the web UI.")
def seed(force):
    """Create or update the Handlungsfelder and projects from the shipped reference data."""
    from ckanext.smartcityms import strategy
    for name, counts in strategy.seed(force=force).items():
        click.echo(f"{name}: " + ", ".join(f"{number} {what}" for what, number in counts.items()))


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


@smartcityms.command("validate")
@click.option("--dataset", "dataset_id", default=None, help="Validate only this dataset (id or name).")
def validate(dataset_id):
    """Validate datasets' DCAT-AP.de output against SEMIC 3.0.1 and GovData's
    DCAT-AP.de 3.0 shapes. Exits 1 on violations, 2 if the shapes are missing."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.smartcityms.dcat import validation as dcat_validation
    from ckanext.smartcityms.dcat import shacl

    context = {"ignore_auth": True}
    if dataset_id:
        ids = [dataset_id]
    else:
        ids = [row[0] for row in model.Session.query(model.Package.id).filter(
            model.Package.state == "active", model.Package.type == "dataset")]
    findings, failed = [], set()
    try:
        shacl.shapes("govdata-3.0")  # fail early and clearly if the shapes are missing
        with click.progressbar(ids, label=f"Validating {len(ids)} dataset(s)",
                               file=sys.stderr) as bar:
            for identifier in bar:
                try:
                    dataset = tk.get_action("package_show")(dict(context), {"id": identifier})
                except tk.ObjectNotFound:
                    click.secho(f"\nNo dataset {identifier!r}", fg="red", err=True)
                    sys.exit(2)
                found = dcat_validation.dataset_findings(dataset)
                if shacl.violations(found):
                    failed.add(dataset["name"])
                findings.extend(found)
    except shacl.ShapesMissing as error:
        click.secho(str(error), fg="red", err=True)
        sys.exit(2)

    for (shape_set, severity, message), count in dcat_validation.summary_by_rule(findings):
        click.echo(f"{count:6d}  {severity:9s} {shape_set:12s} {message}")
    violations = len(shacl.violations(findings))
    click.echo(f"{len(ids)} dataset(s), {violations} violation(s), "
               f"{len(findings) - violations} warning(s)/note(s); "
               f"{len(failed)} dataset(s) not valid" + (f": {', '.join(sorted(failed))}" if failed else ""))
    sys.exit(1 if violations else 0)


@smartcityms.command("dcat-cache")
@click.argument("action", type=click.Choice(["warm", "clear"]))
def dcat_cache(action):
    """Build (warm) or drop (clear) the stored DCAT Turtle of every dataset.

    Datasets refresh their own entry when they change; `warm` is for after a
    bulk import that bypassed CKAN's actions, or after clearing Redis.
    """
    from ckanext.smartcityms.dcat import store as dcat_store

    if action == "clear":
        click.echo(f"{dcat_store.clear()} stored dataset(s) dropped")
        return
    _warm_dcat_store()


def _warm_dcat_store():
    import ckan.model as model
    from ckanext.smartcityms.dcat import store as dcat_store

    ids = [row[0] for row in model.Session.query(model.Package.id).filter(
        model.Package.state == "active", model.Package.type == "dataset",
        model.Package.private == False)]  # noqa: E712
    with click.progressbar(ids, label=f"Serialising {len(ids)} dataset(s)", file=sys.stderr) as bar:
        for dataset_id in bar:
            dcat_store.refresh(dataset_id)
    click.echo(f"{len(ids)} dataset(s) stored")


@smartcityms.command("after-restore")
def after_restore():
    """What bin/restore does once the databases are back: everything kept outside them
    is made anew from them (the Solr index, the stored DCAT Turtle, our caches in Redis),
    and the job and harvest queues are emptied (their jobs were the old site's)."""
    from ckan.lib import jobs, search
    from ckanext.harvest import queue as harvest_queue
    from ckanext.smartcityms import cache

    connection = cache.redis_connection()
    stale = list(connection.scan_iter(match=cache.key("*"), count=1000))
    for start in range(0, len(stale), 1000):
        connection.delete(*stale[start:start + 1000])
    for job_queue in jobs.get_all_queues():
        job_queue.empty()
    harvest_queue.purge_queues()
    search.clear_all()
    search.rebuild(defer_commit=True, quiet=True)
    search.commit()
    click.echo(f"{len(stale)} cached value(s) dropped, queues emptied, search index rebuilt")
    _warm_dcat_store()


@smartcityms.command("check-links")
@click.option("--now", is_flag=True, help="Run here and wait, instead of queueing the job for `ckan jobs worker`.")
@click.option("--rate", type=float, default=None,
              help="Requests per second (default: ckanext.smartcityms.linkcheck_rate).")
def check_links(now, rate):
    """Check the datasets' access and download URLs and compute their metadata quality.

    Queues one background job by default (the demo's job worker runs it);
    URLs checked within ckanext.smartcityms.linkcheck_max_age_hours are not
    asked again. Run it from cron, e.g. nightly.
    """
    from ckanext.smartcityms.quality import score

    if not now:
        job = score.enqueue()
        click.echo(f"Link check and quality job queued ({job.id}); `ckan jobs worker` runs it")
        return
    result = score.assess_catalogue(rate)
    click.echo(f"{result['datasets']} dataset(s) assessed, {result['links_checked']} link(s) checked")
