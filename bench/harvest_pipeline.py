"""The harvesting path as operators run it: the processes the demo starts harvest generated boxes.

    bin/bench harvest_pipeline [--boxes 2000] [--shared ../shared]

Starts, on the bench site, the processes `make demo` runs (CKAN web server,
job worker, our gather and fetch consumers), serves `--boxes` boxes generated
from the recorded payload on 127.0.0.1, and times from job creation until
every dataset is searchable and listed in `/catalog.ttl` (all pages, fetched
from the web server): a first run, an unchanged re-run and a run with 5 % of
the boxes changed. Peak memory is the largest sum over all these processes
and their children, sampled every second, both of resident memory (which
counts the pages a forked child shares with its parent twice) and of
proportional set size (which counts them once), and the CPU time each
process and service used during the first run. Beside it, the in-process
figure: the same first harvest by `ckan smartcityms harvest` logic in this
process.
"""
import argparse
import json
import os
import pathlib
import random
import subprocess
import sys
import time
import urllib.request

import rdflib

from common import (cpu_seconds, forget_background_work, load_ckan, pss_kib, rss_kib, service_pids,
                    store_current_turtle)
from opensensemap_harvest import Feed, fresh_source, generate_boxes, remove_source

ROOT = pathlib.Path(__file__).resolve().parents[1]
DCAT_DATASET = rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")


class Processes:
    def __init__(self, ini, port, fetch_consumers):
        ckan = str(ROOT / ".venv" / "bin" / "ckan")
        commands = {
            "web": [ckan, "-c", ini, "run", "-H", "127.0.0.1", "-p", str(port), "--disable-reloader", "--threaded"],
            "jobs": [ckan, "-c", ini, "jobs", "worker"],
            "gather": [ckan, "-c", ini, "smartcityms", "harvest-consumer", "gather"],
        }
        for number in range(1, fetch_consumers + 1):
            commands[f"fetch-{number}"] = [ckan, "-c", ini, "smartcityms", "harvest-consumer", "fetch"]
        logs = ROOT / "var" / "log"
        logs.mkdir(parents=True, exist_ok=True)
        self.running = {name: subprocess.Popen(command, stdout=open(logs / f"bench-{name}.log", "w"),
                                               stderr=subprocess.STDOUT) for name, command in commands.items()}
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/3/action/status_show", timeout=3).read()
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("the bench web server did not start; see var/log/bench-web.log")

    def memory_mib(self):
        """(sum of resident memory, sum of proportional set size) of the processes and their children."""
        pids = [p.pid for p in self.running.values()]
        return sum(map(rss_kib, pids)) / 1024, sum(map(pss_kib, pids)) / 1024

    def cpu_seconds(self):
        """{process or service: CPU seconds so far}, children included (the job worker's forked jobs,
        PostgreSQL's backends)."""
        used = {name: cpu_seconds(process.pid) for name, process in self.running.items()}
        used.update({name: cpu_seconds(pid) for name, pid in service_pids().items()})
        return used

    def stop(self):
        for process in self.running.values():
            process.terminate()
        for process in self.running.values():
            process.wait(timeout=60)


def catalogue_count(url, source_datasets):
    """Datasets of the source listed across every /catalog.ttl page."""
    found, page = set(), 1
    while True:
        with urllib.request.urlopen(f"{url}/catalog.ttl?page={page}", timeout=120) as response:
            graph = rdflib.Graph().parse(data=response.read(), format="turtle")
        datasets = {str(s) for s in graph.subjects(rdflib.RDF.type, DCAT_DATASET)}
        if not datasets:
            return len(found & source_datasets)
        found |= datasets
        page += 1


def timed_run(tk, context, source, processes, expected, samples):
    from ckanext.harvest.model import HarvestObject
    import ckan.model as model
    started, cpu_before = time.monotonic(), processes.cpu_seconds()
    job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"]})
    peak, searchable_at = (0.0, 0.0), None
    while True:
        peak = tuple(map(max, peak, processes.memory_mib()))
        model.Session.remove()
        pending = model.Session.query(HarvestObject).filter(
            HarvestObject.harvest_job_id == job["id"], ~HarvestObject.state.in_(["COMPLETE", "ERROR"])).count()
        gathered = model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"]).count()
        if gathered and not pending:
            found = tk.get_action("package_search")({}, {"fq": f"harvest_source_id:{source['id']}", "rows": 0})
            if found["count"] >= expected:
                searchable_at = searchable_at or time.monotonic()
                uris = {f"{tk.config['ckan.site_url'].rstrip('/')}/dataset/{row.id}"
                        for row in model.Session.query(model.Package.id).filter_by(state="active", type="dataset")}
                read_started = time.monotonic()
                if catalogue_count(processes.url, uris) >= expected:
                    reading = time.monotonic() - read_started
                    break
        time.sleep(1)
    cpu = {name: used - cpu_before.get(name, 0.0) for name, used in processes.cpu_seconds().items()}
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
    samples.append(peak)
    return time.monotonic() - started, searchable_at - started, reading, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ckan-ini", required=True)
    parser.add_argument("--boxes", type=int, default=2000)
    parser.add_argument("--port", type=int, default=5099)
    parser.add_argument("--fetch-consumers", type=int, default=int(os.environ.get("SCMS_FETCH_CONSUMERS", "1")),
                        help="fetch consumers, as bin/portal starts them (SCMS_FETCH_CONSUMERS)")
    parser.add_argument("--shared", default=os.environ.get("SCMS_SHARED", str(ROOT.parent / "shared")))
    args = parser.parse_args()
    recorded = json.loads((pathlib.Path(args.shared) / "fixtures/opensensemap/"
                           "boxes_GET_all_real_response_subset_2024-05.json").read_text("utf-8"))
    boxes = generate_boxes(recorded, args.boxes)
    feed = Feed()
    feed.routes["/boxes"] = (json.dumps(boxes).encode(), "application/json")
    config = {"api_url": feed.base_url, "retries": 0, "inactive_after_days": 100000}

    client = load_ckan(args.ckan_ini)
    import ckan.plugins.toolkit as tk
    from ckanext.harvest import queue
    with client.application.test_request_context():
        context = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
        queue.purge_queues()
        source = fresh_source("bench-pipeline", "opensensemap", feed.base_url + "/boxes", config)
        forget_background_work()
        store_current_turtle()
        processes = Processes(args.ckan_ini, args.port, args.fetch_consumers)
        samples = []
        try:
            first = timed_run(tk, context, source, processes, args.boxes, samples)
            unchanged = timed_run(tk, context, source, processes, args.boxes, samples)
            rng = random.Random(11)
            for box in rng.sample(boxes, args.boxes // 20):
                box["name"] += " (umbenannt)"
            feed.routes["/boxes"] = (json.dumps(boxes).encode(), "application/json")
            changed = timed_run(tk, context, source, processes, args.boxes, samples)
        finally:
            processes.stop()

        print(f"harvest pipeline, {args.boxes} boxes, processes of the demo (web, job worker, gather, "
              f"{args.fetch_consumers} fetch):")
        for label, (total, searchable, reading, _cpu) in (("first run", first), ("unchanged re-run", unchanged),
                                                          ("5 % changed", changed)):
            print(f"  {label:18s} {total:7.1f} s until searchable and in /catalog.ttl "
                  f"(searchable after {searchable:.1f} s; the last full read of /catalog.ttl, which "
                  f"found them all, took {reading:.1f} s)")
        print(f"  first run: {args.boxes / first[0]:.1f} datasets/s; peak memory of the processes (with their "
              f"forked children): {max(rss for rss, _pss in samples):.0f} MiB summing resident memory, "
              f"{max(pss for _rss, pss in samples):.0f} MiB summing proportional set sizes (shared pages once)",
              flush=True)
        cpu = first[3]
        print("  CPU seconds during the first run (children included): " + ", ".join(
            f"{name} {used:.0f}" for name, used in sorted(cpu.items(), key=lambda item: -item[1]))
            + f"; {sum(cpu.values()) / args.boxes * 1000:.0f} ms of CPU per dataset in all", flush=True)

        # The same first harvest in this process, on boxes of its own (a guid belongs to one source).
        from ckanext.smartcityms.harvesters import one_shot
        own = [dict(box, _id="f" + box["_id"][1:]) for box in generate_boxes(recorded, args.boxes)]
        other_feed = Feed()
        other_feed.routes["/boxes"] = (json.dumps(own).encode(), "application/json")
        in_process_source = fresh_source("bench-in-process", "opensensemap", other_feed.base_url + "/boxes",
                                         dict(config, api_url=other_feed.base_url))
        started = time.monotonic()
        one_shot.run(in_process_source["name"])
        in_process = time.monotonic() - started
        remove_source(in_process_source["name"])  # the next run's catalogue reads need not wade through them
    print(f"in-process (one_shot, this process): first run {in_process:.1f} s = "
          f"{args.boxes / in_process:.1f} datasets/s; ratio pipeline/in-process {first[0] / in_process:.2f}")


if __name__ == "__main__":
    sys.exit(main())
