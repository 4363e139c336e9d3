"""Search speed with the German analysis: ours against CKAN's English query fields,
same data, same index, same server, same run.

    bin/bench search [--datasets 10000] [--rounds 5]

Creates the catalogue of bench/dcat_catalog.py once (idempotent) plus the
demo content, reindexes it (the schema may have changed since it was
indexed), then serves the bench site with `ckan run` and asks every query of
tests/search/relevance.tsv, alternating:

* ours, page: /dataset/?q=… (what people run; the German/English page as in the set)
* ours, API: /api/3/action/package_search?q=… (our edismax over the German and English fields)
* English, API: the same with CKAN's stock query (dismax, qf=name^4 title^4 tags^2 groups^2 text)

Prints median, p95 and the ratio ours/English of the API figures.
"""
import argparse
import pathlib
import subprocess
import sys
import time
import urllib.parse

from common import describe, load_ckan, timed_get, use_repository_tests

from ckanext.smartcityms.search.query import CKAN_QUERY_FIELDS

ROOT = pathlib.Path(__file__).resolve().parents[1]
QUERIES = ROOT / "tests" / "search" / "relevance.tsv"
ENGLISH = {"defType": "dismax", "qf": CKAN_QUERY_FIELDS}  # CKAN's stock free-text query


def queries():
    rows = []
    for line in QUERIES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            page, query, *_ = line.split("\t")
            rows.append((page, query))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckan-ini", required=True)
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-reindex", action="store_true", help="skip the reindex (index already current)")
    args = parser.parse_args()

    import logging
    client = load_ckan(args.ckan_ini)
    logging.disable(logging.WARNING)
    from dcat_catalog import ensure_datasets
    with client.application.test_request_context():
        ensure_datasets(args.datasets)
        from ckanext.smartcityms import demo
        demo.load()
        import ckan.lib.search as search
        search.commit()
        import ckan.plugins.toolkit as tk
        indexed = tk.get_action("package_search")({"ignore_auth": True}, {"q": "*:*", "rows": 0})["count"]
    ckan = str(pathlib.Path(sys.executable).with_name("ckan"))
    if not args.no_reindex:
        started = time.perf_counter()
        subprocess.run([ckan, "-c", args.ckan_ini, "search-index", "rebuild", "-q"], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"reindexed in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    use_repository_tests()
    from tests.browser import LiveCKAN
    server = LiveCKAN(str(pathlib.Path(args.ckan_ini).resolve()))
    kinds = ("ours, page", "ours, API", "English, API")
    timings = {kind: [] for kind in kinds}

    def urls(page, query):
        prefix = "/en" if page == "en" else ""
        api = server.url + "/api/3/action/package_search?"
        return {
            "ours, page": f"{server.url}{prefix}/dataset/?" + urllib.parse.urlencode({"q": query}),
            "ours, API": api + urllib.parse.urlencode({"q": query}),
            "English, API": api + urllib.parse.urlencode({"q": query, **ENGLISH}),
        }
    try:
        for page, query in queries()[:10]:  # warm-up
            for url in urls(page, query).values():
                timed_get(url)
        for round_number in range(args.rounds):
            for page, query in queries():
                order = list(kinds) if round_number % 2 == 0 else list(reversed(kinds))
                built = urls(page, query)
                for kind in order:
                    timings[kind].append(timed_get(built[kind]))
    finally:
        server.stop()

    print(f"\nSearch, {indexed} datasets (generated + demo content), {len(queries())} queries "
          f"(tests/search/relevance.tsv) x {args.rounds} rounds (ckan run, loopback)")
    print(f"{'':14s} {'median':>8s} {'p95':>8s}")
    stats = {kind: describe(values) for kind, values in timings.items()}
    for kind in kinds:
        print(f"{kind:14s} {stats[kind]['median']:>6.1f}ms {stats[kind]['p95']:>6.1f}ms")
    print(f"ratio ours/English (API): median {stats['ours, API']['median'] / stats['English, API']['median']:.2f}, "
          f"p95 {stats['ours, API']['p95'] / stats['English, API']['p95']:.2f}")


if __name__ == "__main__":
    main()
