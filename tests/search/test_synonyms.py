"""Every rule of solr/conf/lang/synonyms-de.txt does what it says, in the
running Solr: a query for a word on its left finds what the index makes of
every word on its right (for "a, b, c": of every other word)."""
import pathlib

import pytest

from tests.search.test_german_search import final_tokens

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES = ROOT / "solr" / "conf" / "lang" / "synonyms-de.txt"


def rules():
    for number, line in enumerate(RULES.read_text("utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield pytest.param(line, id=f"line {number}: {line[:40]}")


def terms(text):
    return [t.strip() for t in text.split(",") if t.strip()]


def pairs(rule):
    if "=>" in rule:
        left, right = rule.split("=>")
        return [(t, u) for t in terms(left) for u in terms(right) if t != u]
    words = terms(rule)
    return [(t, u) for t in words for u in words if t != u]


def test_there_are_rules():
    assert len(list(rules())) >= 30


@pytest.mark.parametrize("rule", rules())
def test_rule(rule):
    for asked, meant in pairs(rule):
        query = set(final_tokens(asked, side="query"))
        indexed = final_tokens(meant, side="index")
        # all words of a multi-word term, as the index holds them
        words = [final_tokens(word, side="index")[0] for word in meant.split()]
        assert set(words) <= query or indexed[0] in query, (asked, meant, sorted(query), indexed)
