"""DataStore histories: bulk load speed, query latency, and an unchanged harvest.

    bin/bench datastore_load [--days 365] [--naive-snapshots 500] [--queries 200]

In one run:
1. one year of 5-minute parking snapshots for the 20 garages of
   schemas/reference/parkhaeuser.json (≈2.1 million rows; free spaces follow
   a daily curve within each garage's real capacity, night closures as in the
   recorded 2026 history) and one year of 15-minute Aasee rows (the real
   sample's columns and value ranges) loaded with bulk_tables.load, the
   path the harvester uses (COPY + one merge);
2. the same parking rows the naive way, one `datastore_upsert` per snapshot
   (20 rows each), for `--naive-snapshots` snapshots (the whole year would take
   hours), as rows per second and the ratio to 1.;
3. `datastore_search` for one garage on one day (filters garage_id and datum,
   the indexed pair), median and p95 over `--queries` random garage-days;
4. a harvest of the five test feeds with five years of whole monthly Aasee
   files (≈2,900 rows each, generated in the real format), then again with
   nothing changed (the ≤ 30 s target).
"""
import argparse
import datetime
import math
import random
import time
import pathlib

from common import bench_organization, describe, load_ckan, use_repository_tests

ROOT = pathlib.Path(__file__).resolve().parents[1]


def parking_rows(garages, days, start):
    """Tuples in parking.COLUMNS order, snapshot by snapshot."""
    rng = random.Random(5)
    step = datetime.timedelta(minutes=5)
    moment = start
    for _ in range(days * 24 * 12):
        hour = moment.hour + moment.minute / 60
        demand = max(0.0, math.sin(math.pi * (hour - 7) / 13)) if 7 <= hour <= 20 else 0.0
        day = moment.date().isoformat()
        stamp = moment.isoformat(timespec="minutes")
        for garage in garages:
            capacity = garage["capacity"]
            if garage["id"].startswith("pp-") and not 7 <= hour < 22:
                yield (garage["id"], stamp, day, garage["name"], None, capacity, None, "geschlossen")
                continue
            occupied = min(capacity, int(capacity * (0.1 + 0.8 * demand) + rng.randint(0, 10)))
            free = capacity - occupied
            yield (garage["id"], stamp, day, garage["name"], free, capacity,
                   round(100 * occupied / capacity, 1), "frei")
        moment += step


def aasee_rows(days, start):
    rng = random.Random(9)
    moment = start
    for index in range(days * 96):
        temperature = 12 + 10 * math.sin(2 * math.pi * (index / 96 - 100) / 365) + rng.uniform(-0.2, 0.2)
        ph = round(rng.uniform(7.4, 11.5), 2)
        flag = "pH-Wert: outside the plausible range 6.0–9.5" if ph > 9.5 else None
        yield (moment.isoformat(timespec="minutes"), moment.date().isoformat(), round(temperature, 2), ph,
               round(rng.uniform(5, 13), 2), flag)
        moment += datetime.timedelta(minutes=15)


def aasee_month_csv(label):
    """A whole month in the real file's format (header, 15-minute rows, decimal points)."""
    first = datetime.datetime.strptime(label + "-01", "%Y-%m-%d")
    days = ((first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - first).days
    lines = ["Datum,Wassertemperatur,pH-Wert,Sauerstoffgehalt"]
    for zeit, _day, temperature, ph, oxygen, _flag in aasee_rows(days, first):
        lines.append(f"{zeit.replace('T', ' ')},{temperature:.2f},{ph:.2f},{oxygen:.2f}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def bench_dataset(tk, context, name, roles):
    try:
        tk.get_action("dataset_purge")(dict(context), {"id": name})
    except tk.ObjectNotFound:
        pass
    org = bench_organization(tk, context)
    dataset = tk.get_action("package_create")(dict(context), {
        "name": name, "title": name, "notes": "Benchmark", "owner_org": org["id"],
        "handlungsfeld": ["mobilitaet-verkehr"],
        "resources": [{"url": f"http://127.0.0.1/{role}", "name": role, "feed_role": role,
                       "license": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"} for role in roles]})
    return {r["feed_role"]: r["id"] for r in dataset["resources"]}


def unchanged_harvest(tk, months):
    use_repository_tests()
    from tests import stadtwerke_payloads as payloads
    from tests.replay import ReplayServer, Response, shared_file
    from opensensemap_harvest import fresh_source, timed_harvest

    server = ReplayServer().start()
    routes = server.routes
    routes["/gtfs.zip"] = Response(payloads.gtfs_zip(), content_type="application/zip")
    routes["/fahrzeuge"] = Response(payloads.bus_vehicles(), content_type="application/json")
    routes["/pr.geojson"] = Response(shared_file(payloads.PARK_AND_RIDE).read_bytes())
    routes["/pls.xml"] = Response(payloads.pls_xml(0), content_type="application/xml")
    today = datetime.date.today()
    month_list = []
    year, month = today.year, today.month
    for _ in range(months):
        month_list.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    for label in month_list:
        routes[f"/aasee/{label}.csv"] = Response(aasee_month_csv(label))
    base = server.base_url
    config = {"feeds": [
        {"id": "bench-gtfs", "kind": "gtfs", "url": base + "/gtfs.zip", "every_minutes": 0.000001},
        {"id": "bench-bus", "kind": "realtime", "url": base + "/fahrzeuge", "every_minutes": 0.000001},
        {"id": "bench-pr", "kind": "geojson", "url": base + "/pr.geojson", "licence": "dl-by-de/2.0",
         "attribution": "Stadtwerke Münster GmbH", "every_minutes": 0.000001},
        {"id": "bench-pls", "kind": "parking", "url": base + "/pls.xml", "every_minutes": 0.000001},
        {"id": "bench-aasee", "kind": "timeseries_csv", "url": base + "/aasee/{month}.csv",
         "since": month_list[-1], "licence": "dl-by-de/2.0", "attribution": "Stadt Münster",
         "plausible": {"pH-Wert": [6.0, 9.5]}, "every_minutes": 0.000001},
    ]}
    fresh_source("bench-stadtwerke", "stadtwerke_ms", base + "/", config)
    first, stats_first = timed_harvest("bench-stadtwerke")
    again, stats_again = timed_harvest("bench-stadtwerke")
    server.stop()
    return first, stats_first, again, stats_again


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckan-ini", required=True)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--naive-snapshots", type=int, default=500)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()

    import logging
    client = load_ckan(args.ckan_ini)
    logging.disable(logging.WARNING)
    import ckan.plugins.toolkit as tk
    from ckanext.smartcityms.datastore import bulk_tables
    from ckanext.smartcityms.harvesters.stadtwerke.readers import parking
    from ckanext.smartcityms.harvesters.stadtwerke import datasets as stadtwerke_datasets

    start = datetime.datetime(2025, 11, 1)
    garages = list(parking.garages())
    keys = ["garage_id", "zeit"]
    with client.application.test_request_context():
        context = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
        ids = bench_dataset(tk, context, "bench-datastore", ["parking", "aasee", "naive"])
        aasee_columns = stadtwerke_datasets.timeseries_table(
            None, ["Wassertemperatur", "pH-Wert", "Sauerstoffgehalt"]).columns
        for role, columns, primary_key, indexes in (
                ("parking", parking.COLUMNS, keys, [["garage_id", "datum"]]),
                ("naive", parking.COLUMNS, keys, [["garage_id", "datum"]]),
                ("aasee", aasee_columns, ["zeit"], ["datum"])):
            bulk_tables.ensure_table(context, ids[role], columns, primary_key, indexes)

        started = time.perf_counter()
        written = bulk_tables.load(ids["parking"], parking.COLUMNS, parking_rows(garages, args.days, start), keys)
        parking_seconds = time.perf_counter() - started
        started = time.perf_counter()
        aasee_written = bulk_tables.load(ids["aasee"], aasee_columns, aasee_rows(args.days, start), ["zeit"])
        aasee_seconds = time.perf_counter() - started

        # The naive way: one datastore_upsert per snapshot.
        rows = parking_rows(garages, args.days, start)
        names = [name for name, _ in parking.COLUMNS]
        naive_rows = 0
        started = time.perf_counter()
        for _ in range(args.naive_snapshots):
            records = [dict(zip(names, next(rows))) for _ in garages]
            tk.get_action("datastore_upsert")(dict(context), {
                "resource_id": ids["naive"], "records": records, "method": "upsert", "force": True})
            naive_rows += len(records)
        naive_seconds = time.perf_counter() - started

        rng = random.Random(3)
        timings = []
        search = tk.get_action("datastore_search")
        for _ in range(args.queries):
            garage = rng.choice(garages)["id"]
            day = (start + datetime.timedelta(days=rng.randrange(args.days))).date().isoformat()
            began = time.perf_counter()
            result = search({}, {"resource_id": ids["parking"], "filters": {"garage_id": garage, "datum": day},
                                 "limit": 300})
            timings.append((time.perf_counter() - began) * 1000)
            assert len(result["records"]) == 288, (garage, day, len(result["records"]))
        query = describe(timings)

        first, stats_first, again, stats_again = unchanged_harvest(tk, args.months)

    bulk_rate = written / parking_seconds
    naive_rate = naive_rows / naive_seconds
    print(f"\nDataStore histories ({args.days} days), one process")
    print(f"parking load: {written:,} rows in {parking_seconds:.1f} s = {bulk_rate:,.0f} rows/s (COPY + merge)")
    print(f"Aasee load:   {aasee_written:,} rows in {aasee_seconds:.1f} s = {aasee_written / aasee_seconds:,.0f} rows/s")
    print(f"naive load, one datastore_upsert per snapshot: {naive_rows:,} rows in {naive_seconds:.1f} s = "
          f"{naive_rate:,.0f} rows/s; bulk/naive = {bulk_rate / naive_rate:.1f}x "
          f"(the whole year the naive way: ~{written / naive_rate / 60:.0f} min)")
    print(f"query one garage for one day (288 rows), {query['n']} queries: median {query['median']:.1f} ms, "
          f"p95 {query['p95']:.1f} ms")
    print(f"harvest of 5 feeds ({args.months} monthly Aasee files): first {first:.1f} s {stats_first}; "
          f"nothing changed {again:.1f} s {stats_again}")


if __name__ == "__main__":
    main()
