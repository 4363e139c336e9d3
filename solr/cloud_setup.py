"""Prepares the SolrCloud of `SCMS_SOLR_MODE=cloud` once its nodes are live (bin/services).

    python solr/cloud_setup.py NODE_URL CONF_DIR UPLOADED_COPY NODES COLLECTION...

Waits until NODES nodes are live, uploads CONF_DIR as the config set "ckan"
(again, and reloads the collections, when it differs from UPLOADED_COPY, the
last upload), creates every missing COLLECTION with 2 shards x 2 replicas,
each node holding one replica of each shard, and waits until every replica
is active. Only Solr's own Collections and Configsets APIs are used.
"""
import filecmp
import io
import json
import pathlib
import shutil
import sys
import time
import urllib.parse
import urllib.request
import zipfile

CONFIG_SET = "ckan"
SHARDS = 2
REPLICAS = 2


def call(base, path, params=None, data=None, timeout=120):
    query = urllib.parse.urlencode({**(params or {}), "wt": "json"})
    request = urllib.request.Request(f"{base}{path}?{query}", data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/octet-stream"} if data else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def cluster(base):
    return call(base, "/admin/collections", {"action": "CLUSTERSTATUS"})["cluster"]


def wait(what, check, seconds=180):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"SolrCloud: still no {what} after {seconds} s (see var/log/solr-node*.log)")
        time.sleep(1)


def same_tree(a, b):
    if not b.exists():
        return False
    compared = filecmp.dircmp(a, b)
    return (not compared.left_only and not compared.right_only and not compared.diff_files
            and all(same_tree(a / sub, b / sub) for sub in compared.common_dirs))


def upload(base, conf, uploaded):
    """True if the config set was (re)uploaded."""
    existing = call(base, "/admin/configs", {"action": "LIST"}).get("configSets", [])
    if CONFIG_SET in existing and same_tree(conf, uploaded):
        return False
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(conf.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(conf).as_posix())
    call(base, "/admin/configs", {"action": "UPLOAD", "name": CONFIG_SET, "overwrite": "true",
                                  "cleanup": "true"}, data=archive.getvalue())
    shutil.rmtree(uploaded, ignore_errors=True)
    shutil.copytree(conf, uploaded)
    return True


def all_active(base, names):
    collections = cluster(base).get("collections", {})
    for name in names:
        shards = collections.get(name, {}).get("shards", {})
        if len(shards) != SHARDS:
            return False
        for shard in shards.values():
            replicas = shard.get("replicas", {}).values()
            if len(replicas) != REPLICAS or any(r.get("state") != "active" for r in replicas):
                return False
    return True


def main(base, conf, uploaded, nodes, names):
    conf, uploaded = pathlib.Path(conf), pathlib.Path(uploaded)
    wait(f"{nodes} live nodes", lambda: len(cluster(base).get("live_nodes", [])) >= int(nodes))
    changed = upload(base, conf, uploaded)
    existing = cluster(base).get("collections", {})
    for name in names:
        if name not in existing:
            print(f"creating collection {name} ({SHARDS} shards x {REPLICAS} replicas)", file=sys.stderr)
            call(base, "/admin/collections", {
                "action": "CREATE", "name": name, "numShards": SHARDS, "replicationFactor": REPLICAS,
                "collection.configName": CONFIG_SET}, timeout=300)
        elif changed:
            print(f"reloading collection {name} (config set changed)", file=sys.stderr)
            call(base, "/admin/collections", {"action": "RELOAD", "name": name}, timeout=300)
    # After both nodes stopped at once, a shard's replicas wait for each other
    # (leaderVoteWait, solr/conf/solr.xml) before one becomes leader.
    wait("active replica everywhere", lambda: all_active(base, names), seconds=300)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
