"""German analysis in Solr (solr/schema-additions.xml, field type text_de) and
the word lists solr/build_schema.py generates for it, checked against the
running Solr core: normalisation, stemming, decompounding, ranking."""
import importlib.util
import pathlib

import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.datasets import minimal_dataset

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("build_schema", ROOT / "solr" / "build_schema.py")
build_schema = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_schema)


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


def test_the_generated_dictionary_is_what_solr_makes_of_each_word_part():
    words = build_schema.word_list((ROOT / "solr/conf/lang/compound-parts-de.txt").read_text("utf-8"))
    assert len(words) >= 100
    # one request for all: each word on its own line stays one token
    solr_stems = tokens_after("\n".join(words), "GermanLightStemFilter")
    ours = [build_schema.german_light_stem(build_schema.german_normalised(w.lower())) for w in words]
    assert ours == solr_stems


def test_umlauts_and_their_spellings_with_e_and_sharp_s_meet():
    for one, other in [("Parkhäuser", "Parkhaeuser"), ("Luftqualität", "Luftqualitaet"),
                       ("Gewässer", "Gewaesser"), ("Straße", "Strasse"), ("Öffnungszeiten", "Oeffnungszeiten"),
                       ("Grünflächen", "Gruenflaechen")]:
        assert final_tokens(one)[0] == final_tokens(other)[0], (one, other)


def test_compounds_are_indexed_with_their_parts_and_queries_split_too():
    assert {"fahrradzahlung", "fahrrad", "rad", "zahlung"} <= set(final_tokens("Fahrradzählungen"))
    assert {"parkhaus", "park", "haus"} <= set(final_tokens("Parkhäuser"))
    assert {"radzahlung", "rad", "zahlung"} <= set(final_tokens("Radzählung", side="query"))


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
