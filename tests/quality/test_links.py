"""The link checker against loopback servers: answers, errors, redirects,
refused internal targets, and no second request before the maximum age."""
import pytest

from ckanext.smartcityms.quality import links
from tests.replay import Response

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture(autouse=True)
def no_stored_results():
    from ckanext.smartcityms import cache
    cache.redis_connection().delete(cache.key(links.RESULTS))


def test_answers_errors_and_redirect_hops_are_stored_per_url(replay_server):
    replay_server.routes["/da.csv"] = Response(b"a;b\n1;2\n" * 100_000, content_type="text/csv")
    replay_server.routes["/umgezogen"] = Response(status=301, headers={"Location": "/da.csv"})
    replay_server.routes["/kaputt"] = Response(b"boom", status=500)
    urls = [replay_server.url(p) for p in ("/da.csv", "/umgezogen", "/fehlt", "/kaputt")]
    assert links.check_urls(urls, rate=50) == 4
    found = links.results(urls)
    assert [(found[u]["ok"], found[u]["status"]) for u in urls] == [
        (True, 200), (True, 200), (False, 404), (False, 500)]
    assert all(found[u]["checked"] for u in urls)


def test_internal_targets_are_refused_without_a_request(replay_server):
    result = links.check("http://10.255.255.1/intern.csv")
    assert result["ok"] is False and result["status"] is None and "internal" in result["error"].lower()


def test_a_url_is_asked_again_only_after_the_maximum_age(replay_server):
    url = replay_server.url("/da.csv")
    replay_server.routes["/da.csv"] = Response(b"x", content_type="text/csv")
    assert links.check_urls([url, url], rate=50) == 1
    assert links.check_urls([url], rate=50) == 0
    assert replay_server.requests.count("/da.csv") == 1


def test_a_server_that_does_not_answer_in_time_is_a_failed_check(replay_server, monkeypatch):
    monkeypatch.setattr(links, "TIMEOUT", 1)
    replay_server.routes["/langsam"] = Response(b"x", delay=3)
    result = links.check(replay_server.url("/langsam"))
    assert result["ok"] is False and "1 s" in result["error"]
