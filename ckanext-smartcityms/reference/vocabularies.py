"""Controlled vocabularies of DCAT-AP.de (EU authority tables, DCAT-AP.de lists).

Each vocabulary is a JSON file in schemas/vocabularies/: the scheme URI, its
label and its concepts (code, URI, German and English label, extra facts such
as a licence's attribution duty). Values are stored as full URIs; users and
harvested sources may also give the code ("CSV", "DEU") or, for file types,
a common spelling ("csv", "geojson"), which `resolve` maps to the URI.
"""
import importlib.resources
import json

from ckanext.smartcityms import cache

VOCABULARY_PACKAGE = "ckanext.smartcityms.schemas"


class Vocabulary:
    def __init__(self, name, data):
        self.name = name
        self.scheme = data["scheme"]
        self.label = data["label"]
        self.concepts = data["concepts"]
        self._by_key = {}
        for concept in self.concepts:
            for key in (concept["uri"], concept["code"]):
                self._by_key[key.casefold()] = concept
            for text in concept["label"].values():
                self._by_key.setdefault(text.casefold(), concept)

    def get(self, value):
        """The concept for a URI, code or label (any case), or None."""
        if not isinstance(value, str):
            return None
        return self._by_key.get(value.strip().casefold())

    def resolve(self, value):
        concept = self.get(value)
        return concept["uri"] if concept else None

    def choices(self):
        return [{"value": c["uri"], "label": c["label"]} for c in self.concepts]


@cache.shipped
def vocabulary(name):
    resource = importlib.resources.files(VOCABULARY_PACKAGE).joinpath(
        f"vocabularies/{name}.json")
    return Vocabulary(name, json.loads(resource.read_text("utf-8")))


def all_vocabularies():
    folder = importlib.resources.files(VOCABULARY_PACKAGE).joinpath("vocabularies")
    return [vocabulary(entry.name[:-5]) for entry in sorted(folder.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".json")]


def license_requires_attribution(value):
    concept = vocabulary("license").get(value)
    return bool(concept and concept.get("attribution"))


def checksum_fits(algorithm_concept, checksum):
    """Is `checksum` a hex digest of the length the algorithm produces?"""
    digits = algorithm_concept.get("hex_digits")
    text = str(checksum).strip().lower()
    return bool(digits) and len(text) == digits and all(c in "0123456789abcdef" for c in text)
