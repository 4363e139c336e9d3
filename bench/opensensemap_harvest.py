"""openSenseMap harvest speed: 2,000 boxes generated from the recorded payload
shapes, served on 127.0.0.1.

    bin/bench opensensemap_harvest [--boxes 2000] [--shared ../shared]

Measures, in one process and one run: the first harvest end to end (gather,
import, index), a second harvest with nothing changed, one with 5 % of the
boxes changed, the peak memory of the process, and for comparison the time
ckanext-dcat-based DCAT harvesting (our dcat_ap_de_rdf) needs to import the
same datasets from one DCAT-AP.de Turtle file (ratio).
"""
import argparse
import http.server
import json
import pathlib
import random
import resource
import threading
import time

from common import bench_organization, load_ckan

MUENSTER = (7.4736, 51.8400, 7.7743, 52.0600)


def generate_boxes(recorded, count, seed=7):
    rng = random.Random(seed)
    boxes = []
    for number in range(count):
        box = json.loads(json.dumps(recorded[number % len(recorded)]))
        box["_id"] = f"{number:024x}"
        box["name"] = f"{box['name']} {number}"
        lon = rng.uniform(MUENSTER[0] + 0.01, MUENSTER[2] - 0.01)
        lat = rng.uniform(MUENSTER[1] + 0.01, MUENSTER[3] - 0.01)
        box["currentLocation"]["coordinates"] = [round(lon, 6), round(lat, 6)]
        box["lastMeasurementAt"] = "2026-11-20T12:00:00.000Z"
        for index, sensor in enumerate(box["sensors"]):
            sensor["_id"] = f"{number:020x}{index:04x}"
        boxes.append(box)
    return boxes


class Feed:
    """Serves /boxes (and the catalogue file for the DCAT comparison) on loopback."""

    def __init__(self):
        self.routes = {}
        feed = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body, content_type = feed.routes.get(self.path.split("?")[0], (b"{}", "application/json"))
                self.send_response(200 if self.path.split("?")[0] in feed.routes else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"


def remove_source(name):
    """The harvest source `name` and its datasets gone, if there is one."""
    import ckan.plugins.toolkit as tk
    context = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
    try:
        old = tk.get_action("harvest_source_show")(dict(context), {"id": name})
        tk.get_action("harvest_source_clear")(dict(context), {"id": old["id"]})
        tk.get_action("harvest_source_delete")(dict(context), {"id": old["id"], "clear": True})
        tk.get_action("dataset_purge")(dict(context), {"id": old["id"]})
    except tk.ObjectNotFound:
        pass
    return context


def fresh_source(name, source_type, url, config):
    import ckan.plugins.toolkit as tk
    context = remove_source(name)
    org = bench_organization(tk, context)
    return tk.get_action("harvest_source_create")(dict(context), {
        "name": name, "title": name, "url": url, "source_type": source_type, "owner_org": org["id"],
        "frequency": "MANUAL", "config": json.dumps(config)})


def timed_harvest(source_name):
    from ckanext.smartcityms.harvesters import one_shot
    started = time.perf_counter()
    job = one_shot.run(source_name)
    return time.perf_counter() - started, job["stats"]


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckan-ini", required=True)
    parser.add_argument("--boxes", type=int, default=2000)
    parser.add_argument("--shared", default=str(pathlib.Path(__file__).resolve().parents[2] / "shared"))
    args = parser.parse_args()

    import logging
    client = load_ckan(args.ckan_ini)
    logging.disable(logging.WARNING)
    fixtures = pathlib.Path(args.shared) / "fixtures" / "opensensemap"
    recorded = json.loads((fixtures / "boxes_GET_all_real_response_subset_2024-05.json").read_text("utf-8"))
    boxes = generate_boxes(recorded, args.boxes)
    feed = Feed()
    feed.routes["/boxes"] = (json.dumps(boxes).encode(), "application/json")
    rss_at_start = peak_rss_mb()

    with client.application.test_request_context():
        osem_source = fresh_source("bench-opensensemap", "opensensemap", feed.base_url + "/boxes",
                                   {"api_url": feed.base_url, "inactive_after_days": 100000})
        fresh_source("bench-dcat", "dcat_ap_de_rdf", feed.base_url + "/catalog.ttl", {})  # drop old results
        first, stats_first = timed_harvest("bench-opensensemap")
        unchanged, stats_unchanged = timed_harvest("bench-opensensemap")
        changed_boxes = json.loads(json.dumps(boxes))
        for box in changed_boxes[:: 20]:
            box["name"] += " (umbenannt)"
        feed.routes["/boxes"] = (json.dumps(changed_boxes).encode(), "application/json")
        five_percent, stats_changed = timed_harvest("bench-opensensemap")
        peak_osem = peak_rss_mb()

        # The same datasets as one DCAT-AP.de catalogue file, harvested with dcat_ap_de_rdf.
        import ckan.plugins.toolkit as tk
        from ckanext.smartcityms.dcat.catalog import catalog_turtle
        import ckan.lib.search as search
        search.commit()  # the portal lets Solr commit on its own schedule
        query = {"fq": f"harvest_source_id:{osem_source['id']}", "rows": 1000}
        found = tk.get_action("package_search")({}, dict(query, start=0))
        dataset_dicts = list(found["results"])
        while len(dataset_dicts) < found["count"]:
            dataset_dicts += tk.get_action("package_search")({}, dict(query, start=len(dataset_dicts)))["results"]
        turtle = catalog_turtle(dataset_dicts, None)
        feed.routes["/catalog.ttl"] = (turtle.encode(), "text/turtle")
        fresh_source("bench-dcat", "dcat_ap_de_rdf", feed.base_url + "/catalog.ttl",
                     {"handlungsfeld": ["umwelt-energie-klima"], "max_page_mb": 500})
        dcat, stats_dcat = timed_harvest("bench-dcat")

    n = args.boxes
    print(f"\nopenSenseMap harvest of {n} generated boxes (loopback), one process")
    print(f"first harvest (gather, import, index): {first:7.1f} s  {stats_first['added'] / first:6.1f} datasets/s  {stats_first}")
    print(f"unchanged re-harvest:                  {unchanged:7.1f} s  {stats_unchanged}")
    print(f"5 % changed:                           {five_percent:7.1f} s  {stats_changed}")
    print(f"peak memory of the process: {peak_osem:.0f} MB (after loading CKAN: {rss_at_start:.0f} MB)")
    print(f"DCAT harvest of the same {stats_dcat['added']} datasets from one Turtle file: {dcat:7.1f} s "
          f"({stats_dcat['added'] / dcat:.1f} datasets/s); ratio openSenseMap/DCAT first harvest: {first / dcat:.2f}")


if __name__ == "__main__":
    main()
