"""SolrCloud (`bin/test --cloud`): each collection has 2 shards x 2 replicas on two
nodes behind nginx; with one node stopped, search and indexing go on, and the
node catches up once it is started again. The nodes are stopped and started
with bin/services, as an operator would."""
import json
import os
import pathlib
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.datasets import minimal_dataset

pytestmark = [pytest.mark.cloud, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

ROOT = pathlib.Path(__file__).resolve().parents[2]


def front():
    """http://host:port/solr, and the collection's name, from CKAN's Solr URL."""
    base, collection = tk.config["solr_url"].rstrip("/").rsplit("/", 1)
    return base, collection


def get(url, **params):
    with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode({**params, 'wt': 'json'})}", timeout=30) as r:
        return json.load(r)


def replicas():
    base, collection = front()
    shards = get(base + "/admin/collections", action="CLUSTERSTATUS", collection=collection)[
        "cluster"]["collections"][collection]["shards"]
    return [{"shard": shard, **replica} for shard, found in shards.items() for replica in found["replicas"].values()]


def node_number(node_name):
    """1 or 2: the node's port is the front's port + 1 or + 2 (bin/services)."""
    front_port = urllib.parse.urlparse(front()[0]).port
    return int(node_name.split("_")[0].rsplit(":", 1)[1]) - front_port


def services(action, name):
    done = subprocess.run([str(ROOT / "bin" / "services"), action, name], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "SCMS_SOLR_MODE": "cloud"})
    assert done.returncode == 0, done.stderr


def local_count(replica, query):
    """Documents matching `query` in this one replica (no distributed search)."""
    return get(f"{replica['base_url']}/{replica['core']}/select", q=query, rows=0,
               distrib="false")["response"]["numFound"]


def all_active():
    found = replicas()
    return len(found) == 4 and all(r["state"] == "active" for r in found)


def create(name):
    org = factories.Organization()
    return helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                               **minimal_dataset(org["id"], name=name, title=f"Datensatz {name}"))


def found(name):
    return helpers.call_action("package_search", q=f"name:{name}")["count"]


def test_each_node_holds_one_replica_of_each_shard():
    placement = {}
    for replica in replicas():
        placement.setdefault(node_number(replica["node_name"]), set()).add(replica["shard"])
    assert placement == {1: {"shard1", "shard2"}, 2: {"shard1", "shard2"}}


def test_search_and_indexing_go_on_while_a_node_is_stopped_and_it_catches_up():
    create("vorher")
    leader = next(r for r in replicas() if r["shard"] == "shard1" and r.get("leader") == "true")
    stopped = node_number(leader["node_name"])  # the harder case: a shard leader goes away

    services("stop", f"solr-node{stopped}")
    try:
        assert found("vorher") == 1
        for number in range(6):  # enough datasets that both shards get new ones
            create(f"waehrend-{number}")
            assert found(f"waehrend-{number}") == 1
        assert helpers.call_action("package_search", q="Datensatz", rows=0)["count"] == 7
    finally:
        services("start", f"solr-node{stopped}")

    deadline = time.monotonic() + 180
    while not all_active():
        assert time.monotonic() < deadline, replicas()
        time.sleep(1)
    # Every replica of the node that was away holds what was indexed meanwhile.
    counts = [(replica, local_count(replica, "name:waehrend-*")) for replica in replicas()]
    for replica, count in counts:
        peers = [c for r, c in counts if r["shard"] == replica["shard"]]
        assert count == peers[0] == peers[-1], (replica, peers)
    assert sum(c for r, c in counts if node_number(r["node_name"]) == stopped) == 6


def test_the_whole_cloud_stopped_and_started_comes_back_with_its_index():
    """Both nodes stopped and started (an operator's restart): every replica becomes
    active again and the datasets are found. With CKAN's string `_version_` the
    replicas stayed down for good (PeerSync cannot read versions from the index),
    which is why collections get a numeric one (solr/build_schema.py --cloud)."""
    sysadmin = factories.Sysadmin()["name"]
    dataset = create("neustart")
    for number in range(3):  # versions in the update log and in the index
        helpers.call_action("package_patch", {"user": sysadmin}, id=dataset["id"], title=f"Neustart {number}")
    create("neustart-2")
    services("stop", "solr")
    services("start", "solr")  # returns once every replica is active (solr/cloud_setup.py)
    assert all_active(), replicas()
    assert found("neustart") == 1 and found("neustart-2") == 1
    assert helpers.call_action("package_search", q="title:Neustart")["results"][0]["title"] == "Neustart 2"
