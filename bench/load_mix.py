"""The request mix of `bin/bench load`, as a Locust user (run by bench/load.py, never by hand
against anything but loopback).

What people and portals ask of the portal during a hackathon: the home page,
German searches, dataset pages, DCAT catalogue pages and DataStore queries.
bench/load.py passes the catalogue size and the DataStore resource in
SCMS_LOAD_DATASETS and SCMS_LOAD_RESOURCE; SCMS_LOAD_THINK ("0" or "1-3")
is each user's pause between requests in seconds.
"""
import json
import os
import random

from locust import HttpUser, between, constant, task

DATASETS = int(os.environ.get("SCMS_LOAD_DATASETS", "1000"))
RESOURCE = os.environ.get("SCMS_LOAD_RESOURCE", "")
THINK = os.environ.get("SCMS_LOAD_THINK", "0")
CATALOG_PAGES = max(1, min(20, DATASETS // 100))
QUERIES = ["Messreihe", "Parkhaus Belegung", "Luftqualität Feinstaub", "Radverkehr", "Smart City Münster",
           "Wassertemperatur Aasee", "Mobilität", "Umwelt Klima", "Bus Echtzeit", "Messreihen Datensatz",
           "Klimaschutz", "Ladesäulen", "Stadtwerke", "Sensoren", "Datensätze Münster"]
GARAGES = ["PH01", "PH02", "PH03", "PH04", "PH05", "PH06"]


def _think():
    if THINK in ("", "0"):
        return constant(0)
    low, high = (float(v) for v in THINK.split("-"))
    return between(low, high)


class PortalVisitor(HttpUser):
    wait_time = _think()

    @task(2)
    def home(self):
        self.client.get("/", name="home")

    @task(4)
    def search(self):
        query = random.choice(QUERIES)
        self.client.get("/dataset/", params={"q": query}, name="search")

    @task(3)
    def dataset_page(self):
        self.client.get(f"/dataset/bench-datensatz-{random.randrange(DATASETS):05d}", name="dataset")

    @task(1)
    def catalogue_page(self):
        self.client.get(f"/catalog.ttl?page={random.randint(1, CATALOG_PAGES)}", name="catalog.ttl")

    @task(2)
    def datastore_search(self):
        if not RESOURCE:
            return
        with self.client.get("/api/3/action/datastore_search", name="datastore_search", catch_response=True,
                             params={"resource_id": RESOURCE, "limit": 100,
                                     "filters": json.dumps({"garage": random.choice(GARAGES)})}) as response:
            if response.status_code == 200 and not response.json().get("success"):
                response.failure("success: false")
