"""Keywords in German and English, in the form every CKAN accepts as a tag.

A dataset's tags are its German keywords and `keywords_en` its English ones;
the DCAT output tags each dcat:keyword with its language. Stock CKAN portals
that harvest us turn every dcat:keyword into a tag, so an English keyword must
pass CKAN's tag rules (length, letters, digits, space, "-", "_", "."), or the
whole dataset would be refused there.
"""
import re

from ckan.model import MAX_TAG_LENGTH, MIN_TAG_LENGTH

ALLOWED = re.compile(r"[\w \-.]+")
NOT_ALLOWED = re.compile(r"[^\w \-.]+")
DECIMAL_COMMA = re.compile(r"(\d),(\d)")
KEYWORDS_MAX = 100


def is_keyword(text):
    return MIN_TAG_LENGTH <= len(text) <= MAX_TAG_LENGTH and ALLOWED.fullmatch(text) is not None


def as_keyword(text):
    """A title made into a keyword: "Kohlendioxid (CO₂)" → "Kohlendioxid CO₂",
    "Feinstaub PM2,5" → "Feinstaub PM2.5"; None if nothing usable is left."""
    keyword = NOT_ALLOWED.sub(" ", DECIMAL_COMMA.sub(r"\1.\2", str(text or "")))
    keyword = " ".join(keyword.split())[:MAX_TAG_LENGTH].strip()
    return keyword if is_keyword(keyword) else None


def keywords(texts):
    """Keywords made from `texts`, each once, in order."""
    return list(dict.fromkeys(k for k in map(as_keyword, texts) if k))
