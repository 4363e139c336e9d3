"""Which searches get our German and English fields."""
import pytest

from ckanext.smartcityms.search import query

pytestmark = pytest.mark.fast


def test_free_text_gets_edismax_over_german_and_english_fields():
    params = query.weighted_query({"q": "Parkhäuser"})
    assert params["defType"] == "edismax"
    assert "title_de^10" in params["qf"] and "text " not in params["qf"] + " " and "text^0.5" in params["qf"]


def test_fielded_queries_empty_queries_and_a_callers_own_choice_are_left_alone():
    for params in ({"q": "tags:Parken"}, {"q": "*:*"}, {"q": ""}, {}, {"q": "x", "qf": "title"},
                   {"q": "x", "defType": "lucene"}):
        assert query.weighted_query(dict(params)) == params


def test_compounds_are_asked_for_as_the_word_or_all_parts():
    assert query.weighted_query({"q": "Radzählung Münster"})["q"] == "(Radzählung OR (+rad +zahlung)) Münster"


def test_the_users_own_syntax_is_not_rewritten():
    for q in ('"Radzählung 2026"', "Radzählung OR Bus", "(Radzählung)", "-Radzählung", "Rad*", "pH-Wert"):
        assert query.with_compound_parts(q) == q
