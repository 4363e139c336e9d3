"""Load on the production path: gunicorn with 1, 2 and 4 workers under a Locust mix.

    bin/bench load [--workers 1,2,4] [--users 50] [--seconds 60] [--datasets 1000]
    SCMS_SOLR_MODE=cloud bin/bench load --workers 2 --stop-solr-node 1

With --stop-solr-node N (SolrCloud only) the hackathon run is the failover
figure: Solr node N is stopped with bin/services after a third of the run
and started again after two thirds.

Prepares the bench site once (idempotent): the catalogue of
bench/dcat_catalog.py and a DataStore table of two weeks of parking
snapshots. For each worker count it serves the site with gunicorn exactly as
`bin/portal` serves the portal (gthread, 4 threads per worker), warms it up
and runs Locust (bench/load_mix.py: home, German searches, dataset pages,
/catalog.ttl pages, datastore_search) twice, on loopback, bounded in time and
users:

* saturation: --users users without pauses, so the figure is what the
  workers can serve (requests/s; the ratio to 1 worker);
* hackathon: --users users pausing 1–3 s between requests, as people do
  (p50/p95/p99 per kind of request, errors).

Locust runs in its own process on the same cores and takes CPU from the
server; it does so the same way for every worker count, so the ratio holds.
"""
import argparse
import csv
import threading
import datetime
import os
import pathlib
import shlex
import signal
import subprocess
import sys
import time
import urllib.request

from common import load_ckan, use_repository_tests

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENV_BIN = pathlib.Path(sys.executable).parent
TABLE_DATASET = "bench-last-parkhaeuser"
GARAGES = ["PH01", "PH02", "PH03", "PH04", "PH05", "PH06"]


def ensure_table():
    """The DataStore table datastore_search is asked about; its resource id."""
    import ckan.plugins.toolkit as tk
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"user": site_user, "ignore_auth": True}
    try:
        dataset = tk.get_action("package_show")(dict(context), {"id": TABLE_DATASET})
        if dataset["resources"]:
            return dataset["resources"][0]["id"]
    except tk.ObjectNotFound:
        dataset = tk.get_action("package_create")(dict(context), {
            "name": TABLE_DATASET, "title": "Belegung der Parkhäuser (Lasttest)",
            "notes": "Zwei Wochen Belegung im 5-Minuten-Takt, für bin/bench load.",
            "owner_org": tk.get_action("organization_show")(dict(context), {"id": "stadt-muenster"})["id"],
            "handlungsfeld": ["mobilitaet-verkehr"]})
    fields = [{"id": "garage", "type": "text"}, {"id": "zeit", "type": "timestamp"},
              {"id": "frei", "type": "int"}, {"id": "kapazitaet", "type": "int"}]
    created = tk.get_action("datastore_create")(dict(context), {
        "resource": {"package_id": dataset["id"], "name": "Belegung", "format": "CSV",
                     "license": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"},
        "fields": fields, "indexes": "garage", "force": True})
    start = datetime.datetime(2026, 11, 1)
    rows = [{"garage": garage, "zeit": (start + datetime.timedelta(minutes=5 * step)).isoformat(),
             "frei": (step * 7 + number * 13) % 400, "kapazitaet": 400}
            for step in range(14 * 24 * 12) for number, garage in enumerate(GARAGES)]
    for offset in range(0, len(rows), 5000):
        tk.get_action("datastore_upsert")(dict(context), {
            "resource_id": created["resource_id"], "records": rows[offset:offset + 5000],
            "method": "insert", "force": True})
    return created["resource_id"]


def serve(workers, port, log):
    """The web process of bin/portal (its own command line), on `port` with `workers` workers."""
    command = subprocess.run(
        [str(ROOT / "bin" / "portal"), "command", "web"], capture_output=True, text=True, check=True,
        env={**os.environ, "SCMS_CKAN_PORT": str(port), "SCMS_WEB_WORKERS": str(workers)}).stdout.strip()
    return subprocess.Popen(shlex.split(command), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_up(base, server):
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn ended while starting")
        try:
            urllib.request.urlopen(base + "/api/3/action/status_show", timeout=5).read()
            return
        except OSError:
            time.sleep(1)
    raise SystemExit("gunicorn did not answer within 180 s")


def warm_up(base, workers, resource):
    for _ in range(workers * 4):
        for path in ("/", "/dataset/?q=Messreihe", "/dataset/bench-datensatz-00001", "/catalog.ttl",
                     f"/api/3/action/datastore_search?resource_id={resource}&limit=1"):
            urllib.request.urlopen(base + path, timeout=120).read()


def solr_node_outage(node, seconds):
    """Stops Solr node `node` after a third of `seconds` and starts it after two thirds (a thread)."""
    def outage():
        env = {**os.environ, "SCMS_SOLR_MODE": "cloud"}
        time.sleep(seconds / 3)
        subprocess.run([str(ROOT / "bin" / "services"), "stop", f"solr-node{node}"], env=env, check=True,
                       capture_output=True)
        print(f"  Solr node {node} stopped", file=sys.stderr)
        time.sleep(seconds / 3)
        subprocess.run([str(ROOT / "bin" / "services"), "start", f"solr-node{node}"], env=env, check=True,
                       capture_output=True)
        print(f"  Solr node {node} started again", file=sys.stderr)
    thread = threading.Thread(target=outage)
    thread.start()
    return thread


def run_locust(base, users, seconds, think, prefix, datasets, resource):
    env = {**os.environ, "SCMS_LOAD_DATASETS": str(datasets), "SCMS_LOAD_RESOURCE": resource,
           "SCMS_LOAD_THINK": think}
    done = subprocess.run(
        [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "load_mix.py"), "--headless",
         "--users", str(users), "--spawn-rate", str(max(1, users // 5)), "--run-time", f"{seconds}s",
         "--host", base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
         "--loglevel", "WARNING"],
        env=env, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode not in (0, 1):  # 1: some requests failed, which the figures show
        raise SystemExit(f"locust failed ({done.returncode}): {done.stderr[-2000:]}")
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def figures(row):
    return {"requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]), "p50": float(row["50%"]), "p95": float(row["95%"]),
            "p99": float(row["99%"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckan-ini", required=True)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--stop-solr-node", type=int, choices=(1, 2),
                        help="SolrCloud: stop this node during the hackathon run")
    args = parser.parse_args()
    if args.stop_solr_node and os.environ.get("SCMS_SOLR_MODE") != "cloud":
        raise SystemExit("--stop-solr-node needs SCMS_SOLR_MODE=cloud")
    worker_counts = [int(w) for w in args.workers.split(",")]
    if args.users > 200 or args.seconds > 600:
        raise SystemExit("bounded: at most 200 users and 600 s per run")

    import logging
    client = load_ckan(args.ckan_ini)
    logging.disable(logging.WARNING)
    from dcat_catalog import ensure_datasets
    with client.application.test_request_context():
        ensure_datasets(args.datasets)
        resource = ensure_table()
        import ckan.lib.search as search
        import ckan.plugins.toolkit as tk
        indexed = tk.get_action("package_search")({"ignore_auth": True}, {"q": "*:*", "rows": 0})["count"]
        if indexed < args.datasets:  # a new index (SolrCloud's collection): fill it from the database
            print(f"  indexing the bench site ({indexed} datasets in the index)", file=sys.stderr)
            search.rebuild()
        search.commit()

    use_repository_tests()
    from tests.browser import free_port
    out = ROOT / "var" / "bench-load"
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for workers in worker_counts:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(out / f"gunicorn-{workers}.log", "w") as log:
            server = serve(workers, port, log)
            try:
                wait_until_up(base, server)
                warm_up(base, workers, resource)
                results[workers] = {}
                for phase, think in (("saturation", "0"), ("hackathon", "1-3")):
                    outage = (solr_node_outage(args.stop_solr_node, args.seconds)
                              if args.stop_solr_node and phase == "hackathon" else None)
                    results[workers][phase] = run_locust(base, args.users, args.seconds, think,
                                                         out / f"{phase}-{workers}", args.datasets, resource)
                    if outage:
                        outage.join()
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=60)

    print(f"\n{args.users} users, {args.seconds} s per run, {args.datasets} datasets, "
          f"{os.cpu_count()} cores; Locust on the same machine; Solr {os.environ.get('SCMS_SOLR_MODE', 'standalone')}"
          + (f", node {args.stop_solr_node} stopped during the middle third of the hackathon run"
             if args.stop_solr_node else ""))
    for phase in ("saturation", "hackathon"):
        print(f"\n{phase}:")
        print(f"{'workers':>7} {'kind':<17} {'requests':>8} {'errors':>6} {'req/s':>7} "
              f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
        for workers, by_phase in results.items():
            for name, row in sorted(by_phase[phase].items(), key=lambda item: item[0] == "Aggregated"):
                f = figures(row)
                print(f"{workers:>7} {name:<17} {f['requests']:>8} {f['errors']:>6} {f['rps']:>7.1f} "
                      f"{f['p50']:>7.0f} {f['p95']:>7.0f} {f['p99']:>7.0f}")
    if 1 in results:
        base_rps = figures(results[1]["saturation"]["Aggregated"])["rps"]
        for workers in results:
            rps = figures(results[workers]["saturation"]["Aggregated"])["rps"]
            print(f"throughput {workers} workers / 1 worker: {rps / base_rps:.2f}")
    for workers in results:
        hackathon = results[workers]["hackathon"]
        search_p95 = figures(hackathon["search"])["p95"] if "search" in hackathon else float("nan")
        errors = sum(figures(row)["errors"] for phase in results[workers].values()
                     for name, row in phase.items() if name == "Aggregated")
        total = figures(hackathon["Aggregated"])
        print(f"{workers} workers: errors in both runs {errors}; search p95 with pauses {search_p95:.0f} ms; "
              f"hackathon errors {total['errors']} of {total['requests']} "
              f"({100 * total['errors'] / max(1, total['requests']):.2f} %)")


if __name__ == "__main__":
    main()
