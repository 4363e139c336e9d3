"""German analysis in Solr (solr/schema-additions.xml, field type text_de) and
the word lists solr/build_schema.py generates for it, checked against the
running Solr core: normalisation, stemming, decompounding, ranking."""
import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.smartcityms.search import german
from tests.datasets import minimal_dataset


def analysed(text, side="index", field_type="text_de"):
    """The tokens Solr's analysis of `text` ends with (the core's /analysis/field)."""
    url = tk.config["solr_url"].rstrip("/") + "/analysis/field"
    answer = requests.get(url, params={"analysis.fieldtype": field_type, "analysis.fieldvalue": text,
                                       "analysis.query": text, "wt": "json"}, timeout=30)
    answer.raise_for_status()
    steps = answer.json()["analysis"]["field_types"][field_type][side]
    return steps


def final_tokens(text, side="index"):
    return [t["text"] for t in analysed(text, side)[-1]]


def tokens_after(text, filter_name):
    steps = analysed(text)
    names = steps[::2]
    at = next(i for i, name in enumerate(names) if name.endswith(filter_name))
    return [t["text"] for t in steps[2 * at + 1]]


def test_the_word_parts_are_stemmed_as_solr_stems_them():
    """The dictionary Solr compares with, and the query splitting, use german.py's
    port of Lucene's normalisation and light stemmer: it must agree with Solr."""
    words = german.word_list(german.PARTS_FILE.read_text("utf-8"))
    assert len(words) >= 100
    # one request for all: each word on its own line stays one token
    solr_stems = tokens_after("\n".join(words), "GermanLightStemFilter")
    assert [german.analysed(w) for w in words] == solr_stems
    assert german.part_stems() == frozenset(solr_stems)


def test_umlauts_and_their_spellings_with_e_and_sharp_s_meet():
    for one, other in [("Parkhäuser", "Parkhaeuser"), ("Luftqualität", "Luftqualitaet"),
                       ("Gewässer", "Gewaesser"), ("Straße", "Strasse"), ("Öffnungszeiten", "Oeffnungszeiten"),
                       ("Grünflächen", "Gruenflaechen")]:
        assert final_tokens(one)[0] == final_tokens(other)[0], (one, other)


def test_compounds_are_indexed_with_their_parts_and_queries_are_not_split_by_solr():
    assert {"fahrradzahlung", "fahrrad", "rad", "zahlung"} <= set(final_tokens("Fahrradzählungen"))
    assert {"parkhaus", "park", "haus"} <= set(final_tokens("Parkhäuser"))
    # parts in the query would be alternatives of the word; search/query.py asks for all of them
    assert final_tokens("Radzählung", side="query") == ["radzahlung"]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_compound_finds_its_parts_together_but_not_one_part_alone():
    org = factories.Organization()
    context = {"user": factories.Sysadmin()["name"]}
    for name, title, notes in [
        ("zusammengesetzt", "Fahrradzählungen 2026", "Zählstellen der Stadt."),
        ("getrennt", "Zählung am Fahrrad-Parkplatz", "Wie viele Räder stehen dort?"),
        ("nur-verkehr", "Verkehr am Ring", "Autos und Busse."),
        ("nur-zaehlung", "Zählung der Wahlbeteiligung", "Stimmbezirke."),
    ]:
        helpers.call_action("package_create", dict(context), **minimal_dataset(
            org["id"], name=name, title=title, notes=notes, handlungsfeld=["teilhabe-kultur"]))

    def names(q):
        return {d["name"] for d in helpers.call_action("package_search", q=q, rows=50)["results"]}
    assert names("Fahrradzählung") == {"zusammengesetzt", "getrennt"}  # the word, or both its parts
    assert names("Radzählung") == {"zusammengesetzt", "getrennt"}      # parts inside other words too
    assert names("Fahrrad") == {"zusammengesetzt", "getrennt"}         # a part finds the compound
    assert "nur-verkehr" not in names("Radverkehr")
    assert "nur-zaehlung" not in names("Fahrradzählung")
    # the user's own syntax is left as typed
    assert names('"Fahrradzählungen 2026"') == {"zusammengesetzt"}


def test_synonyms_apply_to_queries_only():
    assert "fahrrad" in final_tokens("Leeze", side="query")
    assert "fahrrad" not in final_tokens("Leeze", side="index")


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_title_match_ranks_above_a_tag_match_above_a_description_match():
    org = factories.Organization()
    context = {"user": factories.Sysadmin()["name"]}
    # Other datasets with titles, tags and descriptions of their own: with only
    # three documents, BM25's term weights say little.
    for i, word in enumerate(["Wetter", "Haushalt", "Schulen", "Bäume", "Wahlen", "Müll"]):
        helpers.call_action("package_create", dict(context), **minimal_dataset(
            org["id"], name=f"anderes-{i}", title=f"{word} in Münster", tags=[{"name": word}],
            notes=f"Angaben zu {word} der Stadt."))
    for name, title, tags, notes in [
        ("in-der-beschreibung", "Messreihe A", [], "Daten zur Verkehrszählung an Kreuzungen."),
        ("im-schlagwort", "Messreihe B", [{"name": "Verkehrszählung"}], "Daten an Kreuzungen."),
        ("im-titel", "Verkehrszählung", [], "Daten an Kreuzungen."),
    ]:
        helpers.call_action("package_create", dict(context),
                            **minimal_dataset(org["id"], name=name, title=title, tags=tags, notes=notes))
    for query in ("Verkehrszählung", "Verkehrszaehlungen"):
        found = [d["name"] for d in helpers.call_action("package_search", q=query)["results"]]
        # (the others match too, through their Handlungsfeld "Mobilität & Verkehr")
        assert [n for n in found if not n.startswith("anderes")] == [
            "im-titel", "im-schlagwort", "in-der-beschreibung"], query
        assert found[:3] == ["im-titel", "im-schlagwort", "in-der-beschreibung"], query


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_fielded_queries_and_a_callers_own_fields_are_left_to_ckan():
    org = factories.Organization()
    helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                        **minimal_dataset(org["id"], name="parken", title="Parkhäuser",
                                          tags=[{"name": "Parken"}]))
    assert helpers.call_action("package_search", q="tags:Parken")["count"] == 1
    # CKAN's English fields only: the German spelling without umlaut finds nothing
    assert helpers.call_action("package_search", q="Parkhaeuser", qf="title text")["count"] == 0
    assert helpers.call_action("package_search", q="Parkhaeuser")["count"] == 1
