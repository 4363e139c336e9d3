"""Catalogue endpoint speed: every /catalog.ttl page with our dcat_ap_de profile
and, in the same run, with ckanext-dcat's stock euro_dcat_ap_3 profile.

    bin/bench dcat_catalog [--datasets 10000] [--rounds 2]

Creates the datasets on the bench site once (idempotent), then requests every
page (100 datasets each) through CKAN's WSGI app, alternating the profiles
round by round. Our first round starts with no stored dataset Turtle ("cold",
as after flushing Redis); later rounds are served from it ("warm": the steady
state of a running portal, where every dataset stores its Turtle when it
changes). Prints per-page median and p95, total time per round,
peak Python memory of serving one page (tracemalloc) and the ratios.
"""
import argparse
import copy
import sys
import time
import tracemalloc

from common import describe, load_ckan

EU = "http://publications.europa.eu/resource/authority/"
HANDLUNGSFELDER = ["umwelt-energie-klima", "mobilitaet-verkehr", "wohnen-leben", "teilhabe-kultur",
                   "wirtschaft-wissenschaft", "management-infrastruktur"]
FORMATS = ["CSV", "JSON", "GeoJSON", "XML", "PDF"]


def dataset(number, org_id):
    return {
        "name": f"bench-datensatz-{number:05d}",
        "title": f"Messreihe {number} der Smart City Münster",
        "notes": f"Automatisch erzeugter Datensatz {number} für den Katalog-Benchmark.",
        "owner_org": org_id,
        "tags": [{"name": "Benchmark"}, {"name": f"Reihe {number % 50}"}],
        "handlungsfeld": [HANDLUNGSFELDER[number % 6]],
        "projekt": ["sensebox"] if number % 5 == 0 else [],
        "frequency": EU + "frequency/DAILY",
        "temporal_start": "2024-01-01", "temporal_end": "2026-10-31",
        "contact_name": "Stabsstelle Smart City", "contact_email": "smartcity@stadt-muenster.de",
        "spatial": '{"type":"Point","coordinates":[7.62,51.96]}' if number % 3 == 0 else None,
        "resources": [{
            "url": f"https://example.org/bench/{number}/{i}.{FORMATS[(number + i) % 5].lower()}",
            "name": f"Teil {i}", "format": FORMATS[(number + i) % 5],
            "license": "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
            "license_attribution_by_text": "Stadt Münster",
        } for i in range(2)],
    }


def ensure_datasets(total):
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"user": site_user, "ignore_auth": True}
    try:
        org = tk.get_action("organization_show")(dict(context), {"id": "stadt-muenster"})
    except tk.ObjectNotFound:
        org = tk.get_action("organization_create")(dict(context), {
            "name": "stadt-muenster", "title": "Stadt Münster", "default_publisher": "true",
            "homepage": "https://www.stadt-muenster.de"})
    existing = model.Session.query(model.Package).filter(
        model.Package.name.like("bench-datensatz-%"), model.Package.state == "active").count()
    started = time.perf_counter()
    for number in range(existing, total):
        data = {k: v for k, v in dataset(number, org["id"]).items() if v is not None}
        tk.get_action("package_create")(dict(context), copy.deepcopy(data))
        if (number + 1) % 500 == 0:
            rate = (number + 1 - existing) / (time.perf_counter() - started)
            print(f"  created {number + 1}/{total} datasets ({rate:.0f}/s)", file=sys.stderr)
    return total


def fetch_pages(client, pages, profiles):
    timings = []
    for page in range(1, pages + 1):
        url = f"/catalog.ttl?page={page}" + (f"&profiles={profiles}" if profiles else "")
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    return timings


def peak_memory(client, profiles):
    tracemalloc.start()
    client.get("/catalog.ttl?page=1" + (f"&profiles={profiles}" if profiles else ""))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckan-ini", required=True)
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    import logging
    client = load_ckan(args.ckan_ini)
    logging.disable(logging.INFO)  # request logging would dominate the timings
    with client.application.test_request_context():
        total = ensure_datasets(args.datasets)
    pages = -(-total // 100)
    from ckanext.smartcityms.dcat import store as dcat_store
    from ckanext.smartcityms import cache
    fetch_pages(client, 1, "euro_dcat_ap_3")  # warm-up: imports, connections
    fetch_pages(client, 1, "dcat_ap_de")
    cache.clear_process_caches()
    with client.application.test_request_context():
        dcat_store.clear()  # "cold": as after flushing Redis; normally datasets store their own
    results = {"ours, cold cache": [], "ours, warm cache": [], "stock euro_dcat_ap_3": []}
    for round_number in range(max(2, args.rounds)):
        ours_name = "ours, cold cache" if round_number == 0 else "ours, warm cache"
        order = [(ours_name, "dcat_ap_de"), ("stock euro_dcat_ap_3", "euro_dcat_ap_3")]
        if round_number % 2:
            order.reverse()
        for name, profiles in order:
            results[name].append(fetch_pages(client, pages, profiles))

    print(f"\n/catalog.ttl, {total} datasets, {pages} pages of 100 datasets")
    print(f"{'':22s} {'median/page':>12s} {'p95/page':>10s} {'total/round':>12s} {'peak mem/page':>14s}")
    summary = {}
    for name, rounds in results.items():
        stats = describe([t for one_round in rounds for t in one_round])
        stats["per_round"] = stats["total"] / len(rounds)
        stats["peak"] = peak_memory(client, "euro_dcat_ap_3" if name.startswith("stock") else "dcat_ap_de")
        summary[name] = stats
        print(f"{name:22s} {stats['median'] * 1000:10.0f} ms {stats['p95'] * 1000:8.0f} ms "
              f"{stats['per_round']:10.1f} s {stats['peak'] / 2**20:11.1f} MiB")
    stock = summary["stock euro_dcat_ap_3"]
    for name in ("ours, cold cache", "ours, warm cache"):
        ours = summary[name]
        print(f"ratio {name} / stock: median {ours['median'] / stock['median']:.2f}, "
              f"whole catalogue {ours['per_round'] / stock['per_round']:.2f} "
              f"({stock['per_round'] / ours['per_round']:.1f}x {'faster' if ours['per_round'] < stock['per_round'] else 'slower'})")


if __name__ == "__main__":
    main()
