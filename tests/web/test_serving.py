"""The production WSGI entry point under gunicorn, as bin/portal runs it: the
portal's pages and API answer from several workers."""
import os
import pathlib
import subprocess
import sys
import time

import pytest
import requests

import ckan.plugins.toolkit as tk

from tests.browser import free_port

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
GUNICORN = str(pathlib.Path(sys.executable).with_name("gunicorn"))


def test_the_portal_answers_from_gunicorn_workers(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "gthread", "--threads", "2",
         "--max-requests", "50", "--max-requests-jitter", "5", "--timeout", "60",
         "ckanext.smartcityms.serving:application"],
        env=dict(os.environ, CKAN_INI=tk.config["__file__"]), stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.5)
        assert answer.json()["success"]
        workers = set()
        for _ in range(60):  # more than one worker's share, with recycling after about 50
            page = requests.get(f"http://127.0.0.1:{port}/dataset/", timeout=30)
            assert page.status_code == 200 and 'lang="de"' in page.text
        for line in log.read_text().splitlines():
            if "Booting worker with pid" in line:
                workers.add(line.rsplit(" ", 1)[-1])
        assert len(workers) >= 2, log.read_text()[-3000:]
    finally:
        server.terminate()
        server.wait(timeout=60)
