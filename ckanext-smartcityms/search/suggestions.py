"""Help while typing and after a search that found little: title
autocomplete and "Did you mean …?".

Both go through package_search for what they show, so a private dataset is
never suggested to someone who may not see it: the autocomplete is a search
on the word beginnings of titles (field title_suggest), and a spelling
suggestion is only offered after package_search has found datasets for it. The words come from Solr's
DirectSolrSpellChecker over the index (solr/conf/solrconfig.xml).
"""
import logging
import re

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import make_connection

from ckanext.smartcityms.search.query import TITLE_PREFIX_FIELD, is_free_text

log = logging.getLogger(__name__)

MAX_TEXT = 200  # characters of a query we look at; longer ones are not typed by hand
MAX_ROWS = 10
WORD = re.compile(r"\w[\w\-.+]*", re.UNICODE)


def title_suggestions(context, text, rows=8):
    """Datasets whose title has words beginning with every word typed."""
    words = WORD.findall((text or "")[:MAX_TEXT])
    if not words or len("".join(words)) < 2:
        return []
    # only word characters reach Solr: nothing typed can be query syntax
    query = " ".join(re.sub(r"[^\w]", " ", w) for w in words)
    found = tk.get_action("package_search")(dict(context), {
        "q": query, "defType": "edismax", "qf": TITLE_PREFIX_FIELD, "mm": "100%",
        "fl": "id,name,title", "rows": max(1, min(int(rows), MAX_ROWS)),
        "include_private": True})
    return [{"name": d["name"], "title": d.get("title") or d["name"],
             "url": tk.url_for("dataset.read", id=d["name"])} for d in found["results"]]


def did_you_mean(context, q):
    """(text, count) of a spelling of `q` whose words are all in the index and
    that finds datasets, when a word of `q` is in none; or None.

    Not judged by how many datasets `q` found: decompounding lets a typo
    find something through one of its parts ("Radferkehr" through "Rad").
    """
    if not is_free_text(q) or len(q) > MAX_TEXT:
        return None
    corrected = _corrected(q)
    if not corrected or corrected.lower() == q.lower():
        return None
    found = tk.get_action("package_search")(dict(context), {"q": corrected, "rows": 0, "include_private": True})
    if found["count"]:
        return corrected, found["count"]
    return None


def _corrected(q):
    try:
        answer = make_connection().search(q="*:*", **{
            "rows": 0, "spellcheck": "true", "spellcheck.q": q, "spellcheck.count": 1,
            "spellcheck.collate": "false", "fq": f'+site_id:"{tk.config.get("ckan.site_id")}"'})
    except Exception as error:  # SearchError, pysolr's SolrError, network: a suggestion is optional, the page is not
        log.warning("no spelling suggestion for %r: %s", q, error)
        return None
    suggestions = (answer.spellcheck or {}).get("suggestions") or []
    # Solr's flat list: word, {startOffset, endOffset, suggestion: [...]}, word, …
    replacements = []
    for word, details in zip(suggestions[::2], suggestions[1::2]):
        if isinstance(details, dict) and details.get("suggestion"):
            best = details["suggestion"][0]
            best = best.get("word") if isinstance(best, dict) else best
            replacements.append((details["startOffset"], details["endOffset"], best))
    if not replacements:
        return None
    text = q
    for start, end, best in sorted(replacements, reverse=True):
        original = text[start:end]
        if original[:1].isupper():
            best = best[:1].upper() + best[1:]
        text = text[:start] + best + text[end:]
    return text


@tk.side_effect_free
def smartcityms_dataset_suggest(context, data_dict):
    """Dataset titles for the search box's autocomplete.

    :param q: what has been typed so far (every word is matched as the
        beginning of a word of the title; ä/ae, ß/ss alike)
    :param rows: how many (1–10, default 8)
    :returns: a list of {name, title, url}, best first
    """
    try:
        rows = int(data_dict.get("rows", 8))
    except (TypeError, ValueError):
        raise tk.ValidationError({"rows": [tk._("Give a whole number")]})
    return title_suggestions(context, data_dict.get("q", ""), rows)


def get_actions():
    return {"smartcityms_dataset_suggest": smartcityms_dataset_suggest}
