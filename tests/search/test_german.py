"""German word forms and compound splitting (search/german.py), without Solr
(test_german_search.py checks the forms against Solr's own analysis)."""
import pytest

from ckanext.smartcityms.search import german

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("one, other", [("Parkhäuser", "Parkhaeuser"), ("Straße", "Strasse"),
                                        ("Öffnungszeiten", "Oeffnungszeiten"), ("Zählung", "Zaehlung")])
def test_spellings_with_umlaut_and_with_e_meet(one, other):
    assert german.analysed(one) == german.analysed(other)


def test_ue_after_a_vowel_or_q_is_kept():
    assert german.normalised("steuer") == "steuer"
    assert german.normalised("quelle") == "quelle"


@pytest.mark.parametrize("word, parts", [
    ("Radzählung", ["rad", "zahlung"]), ("Fahrradzählungen", ["fahrrad", "zahlung"]),
    ("Verkehrszählung", ["verkehr", "zahlung"]),  # linking s
    ("Parkhaeuser", ["park", "haus"]), ("Feinstaubmessung", ["feinstaub", "messung"]),
    ("Busbahnhof", ["bus", "bahnhof"]),
])
def test_compounds_split_into_the_fewest_dictionary_parts(word, parts):
    assert german.split(word) == parts


@pytest.mark.parametrize("word", ["Fahrrad", "Haltestelle", "Münster", "Radferkehr", "Messboje", "ab", ""])
def test_single_parts_unknown_words_and_typos_are_not_split(word):
    assert german.split(word) is None
