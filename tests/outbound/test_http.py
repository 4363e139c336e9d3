"""The one guarded HTTP client: internal targets refused unless allowed for the one purpose and
address that needs it, every redirect hop judged, one deadline per request, a size cap. Served by
a replay server on 127.0.0.1 only."""
import time

import pytest

import ckan.plugins.toolkit as tk

from ckanext.smartcityms.outbound import http
from ckanext.smartcityms.harvesters.opensensemap.api import MAX_RETRY_AFTER, OpenSenseMapClient
from tests.replay import Response

pytestmark = pytest.mark.fast
ALLOWED = http.ALLOWANCES_OPTION
H = http.HARVEST


def _port(server):
    return int(server.base_url.rsplit(":", 1)[1])


@pytest.fixture
def allow(monkeypatch):
    def allow(networks):
        monkeypatch.setitem(tk.config, ALLOWED, networks)
    return allow


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:1/", "http://localhost/", "http://[::1]/", "http://0.0.0.0/",
    "http://10.0.0.1/", "http://192.168.1.1/", "http://172.16.0.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://224.0.0.1/",
    "http://[::ffff:127.0.0.1]/",
])
def test_internal_targets_are_refused_by_default(allow, url):
    allow("")
    with pytest.raises(http.FetchError, match="internal address"):
        http.fetch_response(url, purpose=H, timeout=2, max_bytes=1000)


@pytest.mark.parametrize("url, message", [("ftp://example.org/x", "not an http"), ("file:///etc/passwd", "not an http"),
                                          ("http://host.invalid/", "could not be resolved")])
def test_other_schemes_and_unknown_hosts_are_clear_errors(allow, url, message):
    allow("")
    with pytest.raises(http.FetchError, match=message):
        http.fetch_response(url, purpose=H, timeout=2, max_bytes=1000)


def test_a_refused_target_is_never_contacted(allow, replay_server):
    allow("")
    replay_server.routes["/secret"] = Response(b"admin", content_type="text/plain")
    with pytest.raises(http.FetchError):
        http.fetch_response(replay_server.url("/secret"), purpose=H, timeout=2, max_bytes=1000)
    assert replay_server.requests == []


def test_allowed_networks_open_named_ranges_only(allow, replay_server):
    replay_server.routes["/ok"] = Response(b"hallo", content_type="text/plain")
    allow("harvest=127.0.0.1/32")
    assert http.fetch(replay_server.url("/ok"), purpose=H, timeout=5, max_bytes=1000) == (b"hallo", "text/plain")
    with pytest.raises(http.FetchError, match="internal address"):
        http.fetch("http://127.0.0.2/", purpose=H, timeout=2, max_bytes=1000)


@pytest.mark.parametrize("purpose", [p for p in http.PURPOSES if p != http.HARVEST])
def test_the_harvest_allowance_opens_nothing_for_other_purposes(allow, replay_server, purpose):
    """The probe's SSRF: the demo allowed its replay server for every request, so an editor's
    resource URL on loopback reached Solr through xloader, the link checker and the archives."""
    replay_server.routes["/solr/ckan/select"] = Response(b"private notes", content_type="text/csv")
    allow(f"harvest=127.0.0.1:{_port(replay_server)}")
    with pytest.raises(http.FetchError, match="internal address"):
        http.fetch_response(replay_server.url("/solr/ckan/select"), purpose=purpose, timeout=2, max_bytes=1000)
    assert replay_server.requests == []


def test_an_allowance_names_its_port(allow, replay_server):
    """The replay server's port, not Solr's, Redis's or PostgreSQL's on the same address."""
    replay_server.routes["/ok"] = Response(b"hallo", content_type="text/plain")
    allow(f"harvest=127.0.0.1:{_port(replay_server) + 1}")
    with pytest.raises(http.FetchError, match="internal address"):
        http.fetch(replay_server.url("/ok"), purpose=H, timeout=2, max_bytes=1000)
    allow(f"harvest=127.0.0.1:{_port(replay_server)}")
    assert http.fetch(replay_server.url("/ok"), purpose=H, timeout=5, max_bytes=1000)[0] == b"hallo"


@pytest.mark.parametrize("text", ["127.0.0.1", "everything=127.0.0.1", "harvest=", "harvest=localhost:80",
                                  "harvest=127.0.0.1:port"])
def test_a_malformed_allowance_is_a_clear_error(allow, text):
    allow(text)
    with pytest.raises(ValueError, match=http.ALLOWANCES_OPTION.replace(".", r"\.") + "|does not appear"):
        http.fetch("http://127.0.0.1:1/", purpose=H, timeout=2, max_bytes=1000)


def test_every_request_names_a_known_purpose(allow):
    with pytest.raises(ValueError, match="unknown outbound purpose"):
        http.check_target("http://example.org/", "anything")


def test_every_redirect_hop_is_judged(allow, replay_server):
    allow("harvest=127.0.0.1/32")
    replay_server.routes["/hop"] = Response(status=302, headers={"Location": "/ok"})
    replay_server.routes["/ok"] = Response(b"angekommen", content_type="text/plain")
    assert http.fetch(replay_server.url("/hop"), purpose=H, timeout=5, max_bytes=1000)[0] == b"angekommen"
    replay_server.routes["/away"] = Response(status=301, headers={
        "Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(http.FetchError, match="169.254.169.254.*internal address"):
        http.fetch(replay_server.url("/away"), purpose=H, timeout=5, max_bytes=1000)
    replay_server.routes["/loop"] = Response(status=302, headers={"Location": "/loop"})
    with pytest.raises(http.FetchError, match="redirected more than"):
        http.fetch(replay_server.url("/loop"), purpose=H, timeout=5, max_bytes=1000)


def test_one_deadline_covers_the_whole_request(allow, replay_server):
    """Three slow hops, each faster than the limit, together slower: the request ends at the limit."""
    allow("harvest=127.0.0.1/32")
    replay_server.routes["/1"] = Response(status=302, headers={"Location": "/2"}, delay=0.7)
    replay_server.routes["/2"] = Response(status=302, headers={"Location": "/3"}, delay=0.7)
    replay_server.routes["/3"] = Response(b"zu spaet", delay=0.7)
    started = time.monotonic()
    with pytest.raises(http.FetchError, match="did not answer"):
        http.fetch(replay_server.url("/1"), purpose=H, timeout=1.5, max_bytes=1000)
    assert time.monotonic() - started < 2.5


def test_the_size_cap_holds_while_streaming(allow, replay_server):
    allow("harvest=127.0.0.1/32")
    replay_server.routes["/big"] = Response(b"x" * 300_000)
    with pytest.raises(http.FetchError, match="more than the limit|larger than the limit"):
        http.fetch(replay_server.url("/big"), purpose=H, timeout=5, max_bytes=100_000)


def test_a_body_streams_into_a_file_within_the_cap(allow, replay_server, tmp_path):
    import io
    allow("harvest=127.0.0.1/32")
    replay_server.routes["/file"] = Response(b"a;b\n" * 10_000)
    sink = io.BytesIO()
    answer = http.fetch_response(replay_server.url("/file"), purpose=H, timeout=5, max_bytes=40_000, sink=sink)
    assert (answer.status, answer.body, sink.getvalue()) == (200, b"", b"a;b\n" * 10_000)
    with pytest.raises(http.TooLarge):
        http.fetch_response(replay_server.url("/file"), purpose=H, timeout=5, max_bytes=39_999, sink=io.BytesIO())


def test_retry_after_is_obeyed_only_up_to_a_cap(allow, replay_server):
    allow("harvest=127.0.0.1/32")
    replay_server.routes["/boxes"] = [
        Response(b"{}", status=429, headers={"Retry-After": "99999999"}, content_type="application/json"),
        Response(b"[]", content_type="application/json")]
    slept = []
    client = OpenSenseMapClient(replay_server.base_url, timeout=5, retries=1, backoff=0, sleep=slept.append)
    assert client.boxes() == []
    assert slept == [MAX_RETRY_AFTER]
