"""How a free-text search is asked of Solr: German and English fields, weighted.

CKAN's own query fields (name, title, tags, groups, text) are analysed in
English. A free-text query without a field name is run with edismax over the
German copies of solr/schema-additions.xml *and* CKAN's English fields, so
"Parkhäuser", "Leeze" and "parking" all find the parking dataset on both the
German and the English page and through the API. The weights make a match in
the title count more than one in the tags, and that more than one in the
description; the catch-all text fields let every other field match.

edismax (not CKAN's dismax) because it analyses the query as a whole
(Solr's sow=false), which multi-word synonyms ("air quality") need.
Fielded queries (`tags:Parken`) stay with CKAN's standard parser.

Compounds: the index holds every compound with its parts; a query word that
is a compound (search/german.py) is asked for as itself *or all of its
parts*: "Radzählung" finds "Fahrradzählungen" and a text with "Rad" and
"Zählung", but "Radverkehr" does not find everything with "Verkehr".
Only queries of plain words are rewritten; one with quotes, operators or
brackets is the user's own syntax and stays as typed.
"""
import re

from ckanext.smartcityms.search import german

QUERY_FIELDS = " ".join((
    "title_de^10", "title^8", "name^6",
    "tags_de^5", "tags^5", "keywords_en^5", "strategy_labels^4", "groups^2",
    "res_name_de^3", "notes_de^2", "notes^1.5", "res_description_de^1",
    "text_de^1", "text^0.5",
))
# CKAN's own, for comparison (bench/search.py) and for callers who ask for it
CKAN_QUERY_FIELDS = "name^4 title^4 tags^2 groups^2 text"
# the autocomplete's field: word beginnings of titles
TITLE_PREFIX_FIELD = "title_suggest"


def is_free_text(q):
    q = (q or "").strip()
    return bool(q) and q not in ("*:*", '""', "''") and ":" not in q


PLAIN_WORDS = re.compile(r"[^\W_]+(?:\s+[^\W_]+)*")
OPERATORS = {"AND", "OR", "NOT", "&&", "||"}
MAX_WORDS = 12  # longer queries are pasted text, not typed compounds


def with_compound_parts(q):
    """`q` with every compound word asked for as itself or all of its parts."""
    text = q.strip()
    if (not PLAIN_WORDS.fullmatch(text) or len(text.split()) > MAX_WORDS
            or OPERATORS.intersection(text.split())):
        return q
    words = []
    for word in text.split():
        parts = german.split(word)
        words.append(f"({word} OR ({' '.join('+' + p for p in parts)}))" if parts else word)
    return " ".join(words)


def weighted_query(search_params):
    """Search parameters with our fields for a free-text query; a caller's own
    qf or defType is kept."""
    if is_free_text(search_params.get("q")) and not search_params.get("qf") and not search_params.get("defType"):
        search_params["defType"] = "edismax"
        search_params["qf"] = QUERY_FIELDS
        search_params["q"] = with_compound_parts(search_params["q"])
    return search_params
