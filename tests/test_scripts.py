"""The service scripts: ports, pid files and a Solr index that survives restarts.

These run bin/services against a scratch var/ folder and free ports, beside
the services the test run itself uses."""
import json
import os
import pathlib
import socket
import subprocess
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def services(*args, var, **ports):
    env = dict(os.environ, SCMS_VAR=str(var), **{k: str(v) for k, v in ports.items()})
    return subprocess.run([str(ROOT / "bin" / "services"), *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_port_taken_by_another_program_is_named_and_nothing_starts(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = services("start", "redis", var=tmp_path, SCMS_REDIS_PORT=port)
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already taken" in result.stderr
    assert "SCMS_REDIS_PORT=" in result.stderr
    assert not (tmp_path / "run" / "redis.pid").exists()


def test_stop_leaves_servers_it_did_not_start_alone(tmp_path):
    from ckan.lib import redis as ckan_redis  # the Redis this test run uses

    result = services("stop", var=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ckan_redis.connect_to_redis().ping()


def solr_select(port, query):
    url = f"http://127.0.0.1:{port}/solr/ckan/select?wt=json&q={query}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)["response"]


def test_solr_keeps_its_index_across_a_restart(tmp_path):
    port = free_port()
    try:
        started = services("start", "solr", var=tmp_path, SCMS_SOLR_PORT=port)
        assert started.returncode == 0, started.stderr
        again = services("start", "solr", var=tmp_path, SCMS_SOLR_PORT=port)
        assert "already running" in again.stderr

        doc = {"index_id": "probe-1", "id": "probe-1", "site_id": "probe",
               "name": "persistenz-probe", "title": "Persistenz", "entity_type": "package"}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/solr/ckan/update?commit=true",
            data=json.dumps([doc]).encode(), headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).read()
        assert solr_select(port, "name:persistenz-probe")["numFound"] == 1

        stopped = services("stop", "solr", var=tmp_path, SCMS_SOLR_PORT=port)
        assert stopped.returncode == 0, stopped.stderr
        with pytest.raises(OSError):
            solr_select(port, "*:*")

        assert services("start", "solr", var=tmp_path, SCMS_SOLR_PORT=port).returncode == 0
        assert solr_select(port, "name:persistenz-probe")["numFound"] == 1
    finally:
        services("stop", "solr", var=tmp_path, SCMS_SOLR_PORT=port)


@pytest.mark.fast
def test_a_supervised_process_that_dies_is_started_again_and_stop_ends_both(tmp_path):
    """bin/portal runs the job worker and the harvest consumers under bin/supervise."""
    import signal
    import time
    pids = tmp_path / "pids"
    child = f"echo $$ >> {pids}; exec sleep 60"
    supervisor = subprocess.Popen([str(ROOT / "bin" / "supervise"), "probe", "bash", "-c", child],
                                  stderr=subprocess.PIPE, text=True)

    def started():
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if pids.exists() and pids.read_text().split():
                return [int(p) for p in pids.read_text().split()]
            time.sleep(0.1)
        raise AssertionError("the supervised command did not start")

    try:
        first = started()[-1]
        os.kill(first, signal.SIGKILL)  # as a consumer dies
        deadline = time.monotonic() + 15
        while len(started()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        second = started()[-1]
        assert second != first
        supervisor.terminate()
        assert supervisor.wait(timeout=15) == 0
        with pytest.raises(ProcessLookupError):
            os.kill(second, 0)
        assert "probe ended with status" in supervisor.stderr.read()
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
