"""Page speed of the theme: ours against stock CKAN (our plugins off), same data, same run.

    bin/bench pages [--datasets 10000] [--rounds 30]

Creates the catalogue of bench/dcat_catalog.py once (idempotent), then serves
the bench site twice with `ckan run`: with the portal's plugins (bench.ini)
and as stock CKAN 2.12 (`activity` and ckanext-harvest, which the bench
site's harvest sources need; none of our plugins, no scheming, no dcat;
same databases and Solr core).
Requests alternate between the two, page by page, after a warm-up. Pages:
home, search, a dataset, a Handlungsfeld and a project; stock CKAN has no
Handlungsfeld or project pages, so its counterpart is the search page
filtered the same way (`/dataset/?handlungsfeld=<slug>`). Prints median and
p95 per page and the ratio ours/stock.
"""
import argparse
import pathlib

from common import describe, load_ckan, timed_get, use_repository_tests

ROOT = pathlib.Path(__file__).resolve().parents[1]

PAGES = [  # (name, ours, stock)
    ("home", "/", "/"),
    ("search", "/dataset/", "/dataset/"),
    ("dataset", "/dataset/bench-datensatz-00042", "/dataset/bench-datensatz-00042"),
    ("Handlungsfeld", "/handlungsfeld/mobilitaet-verkehr", "/dataset/?handlungsfeld=mobilitaet-verkehr"),
    ("project", "/projekt/sensebox", "/dataset/?projekt=sensebox"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckan-ini", required=True)
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    import logging
    client = load_ckan(args.ckan_ini)
    logging.disable(logging.WARNING)
    from dcat_catalog import ensure_datasets
    with client.application.test_request_context():
        ensure_datasets(args.datasets)
        import ckan.lib.search as search
        search.commit()

    use_repository_tests()
    from tests.browser import LiveCKAN
    stock_ini = ROOT / "var" / "bench-stock.ini"
    stock_ini.write_text(f"[app:main]\nuse = config:{pathlib.Path(args.ckan_ini).resolve()}\n"
                         "ckan.plugins = activity harvest\n", "utf-8")
    servers = {"ours": LiveCKAN(str(pathlib.Path(args.ckan_ini).resolve())), "stock": LiveCKAN(str(stock_ini))}
    try:
        timings = {(name, which): [] for name, _, _ in PAGES for which in servers}
        for name, ours, stock in PAGES:
            for _ in range(3):  # warm-up: templates compiled, caches filled
                timed_get(servers["ours"].url + ours)
                timed_get(servers["stock"].url + stock)
        for _ in range(args.rounds):
            for name, ours, stock in PAGES:
                timings[(name, "ours")].append(timed_get(servers["ours"].url + ours))
                timings[(name, "stock")].append(timed_get(servers["stock"].url + stock))
    finally:
        for server in servers.values():
            server.stop()

    print(f"\nPage speed, {args.datasets} datasets, {args.rounds} requests per page and side (ckan run, loopback)")
    print(f"{'page':<14} {'ours median':>12} {'ours p95':>9} {'stock median':>13} {'stock p95':>10} {'ratio':>6}")
    for name, _, _ in PAGES:
        ours, stock = describe(timings[(name, "ours")]), describe(timings[(name, "stock")])
        print(f"{name:<14} {ours['median']:>10.0f}ms {ours['p95']:>7.0f}ms {stock['median']:>11.0f}ms "
              f"{stock['p95']:>8.0f}ms {ours['median'] / stock['median']:>6.2f}")


if __name__ == "__main__":
    main()
