"""Real-browser checks: CKAN served by `ckan run` on 127.0.0.1 and Debian's
Chromium, headless, with no network beyond the loopback."""
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCREENSHOTS = pathlib.Path(os.environ.get("SCMS_VAR", ROOT / "var")) / "screenshots"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium is not installed: run bin/install (Debian package chromium)")
    return path


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveCKAN:
    """`ckan run` for the test configuration, on a free port.

    own_site_url: the server's ckan.site_url is its own address, as in a real
    deployment (CKAN's page scripts load their translations from it, and its
    JavaScript modules start only then); otherwise test.ini's, which the
    in-process tests compare URLs with. env: variables over the test run's
    (another site's databases, say)."""

    def __init__(self, ini, port=None, own_site_url=False, env=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ckan = str(pathlib.Path(sys.executable).with_name("ckan"))
        env = dict(os.environ, **(env or {}))
        if own_site_url:
            env["CKAN_SITE_URL"] = self.url
        self.process = subprocess.Popen(
            [ckan, "-c", str(ini), "run", "-H", "127.0.0.1", "-p", str(self.port), "--disable-reloader"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/3/action/status_show", timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("ckan run did not answer within 60 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def render(url, screenshot_name=None, wait_ms=5000, size="1000,900"):
    """The DOM after scripts ran (and a screenshot under var/screenshots)."""
    with tempfile.TemporaryDirectory() as profile:
        flags = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                 f"--virtual-time-budget={wait_ms}", f"--window-size={size}"]
        if screenshot_name:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            subprocess.run([*flags, f"--screenshot={SCREENSHOTS / screenshot_name}", url],
                           capture_output=True, timeout=90)
        result = subprocess.run([*flags, "--dump-dom", url], capture_output=True, timeout=90, text=True)
    return result.stdout
