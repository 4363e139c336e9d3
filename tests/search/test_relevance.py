"""The relevance set (relevance.tsv) on the search pages people use.

Each query runs through the German or English search page of the portal
(/dataset, /en/dataset) over a catalogue like the published one; the
expected dataset has to be among the first three results. The bar is 90 %.
"""
import fnmatch
import pathlib
import re

import pytest

from tests.catalogues import publish_catalogue

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "queues_empty")

QUERIES = pathlib.Path(__file__).with_name("relevance.tsv")
RESULT_LINK = re.compile(r'<h2 class="dataset-heading">.*?<a href="(?:/en)?/dataset/([^"/?]+)"', re.S)
BAR = 0.9


def relevance_set():
    rows = []
    for line in QUERIES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            page, query, expected, why = line.split("\t")
            rows.append((page, query, expected.split("|"), why))
    return rows


def top_three(app, page, query):
    prefix = "/en" if page == "en" else ""
    body = app.get(f"{prefix}/dataset/", query_string={"q": query}, status=200).body
    return RESULT_LINK.findall(body)[:3]


def test_the_set_is_large_enough_and_in_both_languages():
    rows = relevance_set()
    assert len(rows) >= 40
    assert {page for page, *_ in rows} == {"de", "en"}


def test_the_expected_dataset_is_in_the_top_three_for_nine_queries_in_ten(app, cli, replay_server):
    published = {d["name"] for d in publish_catalogue(cli, replay_server)}
    misses, rows = [], relevance_set()
    for page, query, expected, why in rows:
        # an expectation naming no dataset of the catalogue is a broken set, not a miss
        assert any(fnmatch.filter(published, pattern) for pattern in expected), (query, expected)
        found = top_three(app, page, query)
        if not any(fnmatch.fnmatch(name, pattern) for name in found for pattern in expected):
            misses.append(f"{page} {query!r} ({why}): {found}")
    passed = 1 - len(misses) / len(rows)
    print(f"relevance: {len(rows) - len(misses)}/{len(rows)} = {passed:.0%}", *misses, sep="\n  ")
    assert passed >= BAR, "\n".join(misses)
