"""Shared pieces of the benchmarks: loading CKAN for a config file and simple statistics."""
import os
import statistics
import time
import urllib.request


def load_ckan(ini_path):
    """Load CKAN's config and plugins for `ini_path`; returns a Flask test client."""
    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    config = CKANConfigLoader(ini_path).get_config()
    app = make_app(config)
    return app._wsgi_app.test_client() if hasattr(app, "_wsgi_app") else app.test_client()


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def describe(values):
    return {"median": statistics.median(values), "p95": percentile(values, 0.95),
            "total": sum(values), "n": len(values)}


def bench_organization(tk, context):
    """The organization all benchmark datasets belong to."""
    try:
        return tk.get_action("organization_show")(dict(context), {"id": "bench-harvest"})
    except tk.ObjectNotFound:
        return tk.get_action("organization_create")(dict(context), {"name": "bench-harvest", "title": "Bench"})


def use_repository_tests():
    """Make `import tests…` find the repository's tests package (payloads, browser
    helpers): a package of CKAN's is importable under the same name."""
    import importlib.util
    import pathlib
    import sys
    root = pathlib.Path(__file__).resolve().parents[1]
    for name in [n for n in sys.modules if n == "tests" or n.startswith("tests.")]:
        del sys.modules[name]
    spec = importlib.util.spec_from_file_location("tests", root / "tests" / "__init__.py",
                                                  submodule_search_locations=[str(root / "tests")])
    sys.modules["tests"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["tests"])


def timed_get(url):
    """Milliseconds of one GET of `url` (body read); anything but 200 is an error."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        status = response.status
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    return elapsed


def process_tree(pid):
    """`pid` and the pids of all its live descendants."""
    yield pid
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return
    for child in children:
        yield from process_tree(int(child))


def _proc_kib(pid, source, field):
    try:
        return int(next(line.split()[1] for line in open(f"/proc/{pid}/{source}") if line.startswith(field)))
    except (OSError, StopIteration):
        return 0


def rss_kib(pid):
    """Resident memory of a process and all its descendants (KiB)."""
    return sum(_proc_kib(member, "status", "VmRSS:") for member in process_tree(pid))


def pss_kib(pid):
    """Like rss_kib, with each shared page counted once over the processes sharing it
    (proportional set size): a forked job or scheduler process shares most of its
    pages with the worker it was forked from, and a sum of RSS counts them twice."""
    return sum(_proc_kib(member, "smaps_rollup", "Pss:") for member in process_tree(pid))


def forget_background_work():
    """No job queued or scheduled by an earlier run, and no coalescing flag of one:
    a run would otherwise inherit, say, a catalogue dump queued minutes ago, which
    is then overdue and rebuilt in the middle of the measurement."""
    from ckan.lib import jobs
    from ckanext.smartcityms import cache
    from ckanext.smartcityms.dcat import store as dcat_store
    from ckanext.smartcityms.downloads import catalogue_dump
    queue = jobs.get_queue()
    queue.empty()
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id, delete_job=True)
    cache.redis_connection().delete(*[cache.key(name) for name in (
        dcat_store.SCHEDULED, dcat_store.PENDING, catalogue_dump.SCHEDULED, catalogue_dump.CHANGED)])


def store_current_turtle():
    """Every public dataset's stored DCAT Turtle current, built where it is missing or stale:
    the steady state of a portal whose job worker has caught up, so that a catalogue
    read times the datasets of the run and not the leftovers of earlier ones."""
    from rdflib import URIRef
    from ckanext.dcat.utils import dataset_uri
    from ckanext.smartcityms.dcat import store as dcat_store
    from ckanext.smartcityms.downloads.catalogue_dump import _public_datasets
    batch = []
    for dataset in _public_datasets():
        batch.append((dataset, URIRef(dataset_uri(dataset))))
        if len(batch) == 500:
            dcat_store.fragments(batch)
            batch = []
    if batch:
        dcat_store.fragments(batch)


def _own_cpu_seconds(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def cpu_seconds(pid):
    """CPU time (user + system, seconds) a process has used, with all its descendants:
    the reaped ones through each process's own child counters, the live ones one by one."""
    return sum(_own_cpu_seconds(member) for member in process_tree(pid))


SERVICES = {  # how each service's main process looks: its program, and a word in its command line
    "PostgreSQL": (b"postgres", b""), "Solr": (b"java", b"solr"), "Redis": (b"redis-server", b"")}


def _program(pid):
    command = open(f"/proc/{pid}/cmdline", "rb").read()
    return os.path.basename(command.split(b"\0")[0].split(b" ")[0]).rstrip(b":"), command


def service_pids():
    """{"PostgreSQL": pid, "Solr": pid, "Redis": pid}: the services' main processes on this machine
    (each one's descendants, such as PostgreSQL's backends, count with it)."""
    found = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            program, command = _program(entry)
            parent = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1]
            parent_program = _program(parent)[0] if parent != "0" else b""
        except OSError:
            continue
        for service, (wanted, word) in SERVICES.items():
            if program == wanted and word in command and parent_program != wanted and service not in found:
                found[service] = int(entry)
    return found
