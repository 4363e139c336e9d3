"""Stadtwerke feed kinds: one record each, and the configuration takes everything from it."""
import pytest

from ckanext.smartcityms.harvesters.stadtwerke import feeds
from ckanext.smartcityms.harvesters.stadtwerke.kinds import KINDS

pytestmark = pytest.mark.fast

URLS = {"timeseries_csv": "https://example.org/aasee-{month}.csv"}
REQUIRED = {"geojson": {"licence": "dl-zero-de/2.0"},
            "timeseries_csv": {"licence": "dl-zero-de/2.0", "since": "2024-01"}}


def test_each_kind_is_one_complete_record():
    assert set(KINDS) == {"gtfs", "realtime", "geojson", "parking", "timeseries_csv"}
    for name, kind in KINDS.items():
        assert kind.name == name and callable(kind.build) and callable(kind.check)
        assert kind.errors and all(issubclass(error, Exception) for error in kind.errors)
        assert {"every_minutes", "stale_after_hours"} <= set(kind.defaults)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_minimal_feed_of_each_kind_parses_with_its_defaults(name):
    feed = feeds.parse_feed({"id": f"feed-{name.replace('_', '-')}", "kind": name,
                             "url": URLS.get(name, "https://example.org/feed"), **REQUIRED.get(name, {})}, 0)
    assert feed["every_minutes"] == KINDS[name].defaults["every_minutes"]
    assert feed["licence"].startswith("http://dcat-ap.de/def/licenses/")


@pytest.mark.parametrize("feed, message", [
    ({"kind": "realtime", "gtfs_rt": ["ftp://x"]}, "gtfs_rt"),
    ({"kind": "parking", "garage_aliases": {"X": "gibt-es-nicht"}}, "unknown garage id"),
    ({"kind": "timeseries_csv", "licence": "dl-zero-de/2.0", "since": "2024-13"}, "since"),
    ({"kind": "gtfs", "plausible": {}}, "unknown option"),
])
def test_each_kind_checks_its_own_options(feed, message):
    given = {"id": "kaputt", "url": URLS.get(feed["kind"], "https://example.org/feed"), **feed}
    with pytest.raises(ValueError, match=message):
        feeds.parse_feed(given, 0)
