"""Uploaded tables: a large German CSV through ckanext-xloader's COPY path as the
demo runs it, against our own bulk loader with the same rows.

    bin/bench xloader_load [--megabytes 100]

In one run:
1. writes a CSV as office exports look (semicolons, decimal commas,
   dd.mm.yyyy dates, Latin-1) of about `--megabytes` MB;
2. starts `ckan run`, `ckan jobs worker` and our outbound proxy on the bench
   site (xloader downloads through the proxy from the web server's loopback
   address, ckanext.xloader.site_url), uploads the file
   with `resource_create` as an editor does, and times until xloader reports
   the load `complete` (COPY, then its full-text update) and until our typing
   job has typed the columns; peak resident memory of the worker with its job
   processes, sampled every 0.2 s;
3. loads the same rows in this process with `bulk_tables.load` (the
   harvesters' COPY + merge, full text built the same way) into a table of
   the same text columns; time and the growth of this process's peak memory;
prints rows per second of both and the ratio xloader / ours (target ≥ 0.5).
"""
import argparse
import csv
import datetime
import pathlib
import random
import resource
import subprocess
import sys
import tempfile
import time

import requests

from common import bench_organization, load_ckan, rss_kib

ROOT = pathlib.Path(__file__).resolve().parents[1]
CKAN = str(pathlib.Path(sys.executable).with_name("ckan"))
HEADER = ["Messstelle", "Zeit", "Datum", "Belegt", "Frei", "Auslastung [%]", "Temperatur [°C]", "Status",
          "Bemerkung"]
PLACES = ["Parkhaus Theater", "Parkhaus Aegidii", "Parkhaus Bremer Platz", "Parkplatz Hörsterplatz",
          "Parkhaus Stubengasse", "Parkhaus Engelenschanze", "Parkhaus Cineplex", "Parkhaus Münster Arkaden"]


def write_csv(path, megabytes):
    """Rows until the file holds `megabytes` MB; returns the number of rows."""
    rng = random.Random(11)
    moment = datetime.datetime(2024, 1, 1)
    rows = 0
    with open(path, "w", encoding="latin-1", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        while out.tell() < megabytes * 1_000_000:
            for place in PLACES:
                capacity = 300 + 40 * PLACES.index(place)
                busy = rng.randint(0, capacity)
                writer.writerow([place, moment.strftime("%d.%m.%Y %H:%M"), moment.strftime("%d.%m.%Y"), busy,
                                 capacity - busy, f"{100 * busy / capacity:.1f}".replace(".", ","),
                                 f"{rng.uniform(-5, 32):.1f}".replace(".", ","), rng.choice(["frei", "besetzt"]),
                                 rng.choice(["", "Veranstaltung", "Baustelle Zufahrt Süd"])])
                rows += 1
            moment += datetime.timedelta(minutes=5)
    return rows


class Portal:
    """The web server, the job worker and the outbound proxy, as `make demo` runs them."""

    def __init__(self, ini, port, proxy_port, logs):
        self.url = f"http://127.0.0.1:{port}"
        self.proxy = subprocess.Popen([CKAN, "-c", ini, "smartcityms", "outbound-proxy", "--port", str(proxy_port)],
                                      stdout=open(logs / "bench-xloader-proxy.log", "w"), stderr=subprocess.STDOUT)
        self.web = subprocess.Popen([CKAN, "-c", ini, "run", "-H", "127.0.0.1", "-p", str(port),
                                     "--disable-reloader", "--threaded"],
                                    stdout=open(logs / "bench-xloader-web.log", "w"), stderr=subprocess.STDOUT)
        self.worker = subprocess.Popen([CKAN, "-c", ini, "jobs", "worker"],
                                       stdout=open(logs / "bench-xloader-worker.log", "w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/api/3/action/status_show", timeout=3)
                return
            except requests.RequestException:
                time.sleep(0.5)
        raise SystemExit("the bench web server did not start; see var/log/bench-xloader-web.log")

    def stop(self):
        for process in (self.worker, self.web, self.proxy):
            process.terminate()
            process.wait(timeout=60)


def through_xloader(portal, token, dataset_id, path):
    headers = {"Authorization": token}
    started = time.monotonic()
    with open(path, "rb") as body:
        answer = requests.post(f"{portal.url}/api/3/action/resource_create", headers=headers, timeout=600,
                               data={"package_id": dataset_id, "name": "Belegung (Export)", "format": "CSV",
                                     "license": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"},
                               files={"upload": ("belegung.csv", body, "text/csv")})
    answer.raise_for_status()
    resource_id = answer.json()["result"]["id"]
    uploaded = time.monotonic() - started
    peak, loaded, typed = 0, None, None
    while typed is None:
        peak = max(peak, rss_kib(portal.worker.pid))
        if loaded is None:
            status = requests.get(f"{portal.url}/api/3/action/xloader_status", params={"resource_id": resource_id},
                                  headers=headers, timeout=60).json()["result"]
            if status["status"] == "complete":
                loaded = time.monotonic() - started
            elif status["status"] == "error":
                raise SystemExit(f"xloader failed: {status.get('error')}")
        else:
            info = requests.get(f"{portal.url}/api/3/action/datastore_info", params={"id": resource_id},
                                timeout=60).json()["result"]
            if {f["id"]: f["type"] for f in info["fields"]}.get("Frei") == "numeric":
                typed = time.monotonic() - started
        if time.monotonic() - started > 3600:
            raise SystemExit("the upload was not loaded and typed within an hour")
        time.sleep(0.2)
    total = requests.get(f"{portal.url}/api/3/action/datastore_search", params={"resource_id": resource_id,
                         "limit": 0}, timeout=600).json()["result"]["total"]
    return {"uploaded": uploaded, "loaded": loaded, "typed": typed, "rows": total, "peak_mib": peak / 1024}


def csv_rows(path):
    with open(path, encoding="latin-1", newline="") as source:
        reader = csv.reader(source, delimiter=";")
        next(reader)
        yield from reader


def through_bulk_loader(tk, context, dataset_id, path):
    from ckanext.smartcityms.datastore import bulk_tables
    created = tk.get_action("resource_create")(dict(context), {
        "package_id": dataset_id, "name": "Belegung (bulk)", "url": "http://127.0.0.1/bulk",
        "license": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"})
    columns = [("Zeile", "int"), *((name, "text") for name in HEADER)]
    bulk_tables.ensure_table(context, created["id"], columns, ["Zeile"])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    written = bulk_tables.load(created["id"], columns, ((n, *row) for n, row in enumerate(csv_rows(path))), ["Zeile"])
    seconds = time.monotonic() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return {"loaded": seconds, "rows": written, "peak_growth_mib": grown}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckan-ini", required=True)
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--port", type=int, default=5090)
    parser.add_argument("--proxy-port", type=int, default=5091)
    args = parser.parse_args()

    logs = ROOT / "var" / "log"
    logs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        path = folder / "belegung.csv"
        rows = write_csv(path, args.megabytes)
        size_mb = path.stat().st_size / 1_000_000
        ini = folder / "xloader-bench.ini"
        ini.write_text(f"[app:main]\nuse = config:{pathlib.Path(args.ckan_ini).resolve()}\n"
                       f"ckanext.xloader.site_url = http://127.0.0.1:{args.port}\n"
                       f"ckan.download_proxy = http://127.0.0.1:{args.proxy_port}\n")

        import logging
        client = load_ckan(str(ini))
        logging.disable(logging.WARNING)
        import ckan.plugins.toolkit as tk
        with client.application.test_request_context():
            site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
            context = {"user": site_user, "ignore_auth": True}
            try:
                tk.get_action("dataset_purge")(dict(context), {"id": "bench-xloader"})
            except tk.ObjectNotFound:
                pass
            dataset = tk.get_action("package_create")(dict(context), {
                "name": "bench-xloader", "title": "Benchmark uploads", "notes": "Benchmark",
                "owner_org": bench_organization(tk, context)["id"], "handlungsfeld": ["mobilitaet-verkehr"]})
            token = tk.get_action("api_token_create")(dict(context), {"user": site_user, "name": "bench"})["token"]
            import ckan.model as model
            model.Session.commit()

            portal = Portal(str(ini), args.port, args.proxy_port, logs)
            try:
                xloader = through_xloader(portal, token, dataset["id"], path)
            finally:
                portal.stop()
            bulk = through_bulk_loader(tk, context, dataset["id"], path)

    xloader_rate = xloader["rows"] / (xloader["loaded"] - xloader["uploaded"])
    bulk_rate = bulk["rows"] / bulk["loaded"]
    print(f"\nUploaded table: {size_mb:.0f} MB CSV, {rows:,} rows (semicolons, decimal commas, dd.mm.yyyy, Latin-1)")
    print(f"upload through the web server: {xloader['uploaded']:.1f} s")
    print(f"xloader (job worker, COPY path): loaded {xloader['rows']:,} rows {xloader['loaded'] - xloader['uploaded']:.1f} s "
          f"after the upload = {xloader_rate:,.0f} rows/s; typed by our job {xloader['typed'] - xloader['loaded']:.1f} s "
          f"later; worker peak memory {xloader['peak_mib']:.0f} MiB")
    print(f"our bulk loader (in process, COPY + merge): {bulk['rows']:,} rows in {bulk['loaded']:.1f} s = "
          f"{bulk_rate:,.0f} rows/s; peak memory grew {bulk['peak_growth_mib']:.0f} MiB")
    print(f"ratio xloader / ours: {xloader_rate / bulk_rate:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
