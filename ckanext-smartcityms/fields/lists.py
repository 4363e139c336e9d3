"""List fields: stored by CKAN as JSON text in extras, read back as lists.

Datasets carry several lists (Handlungsfelder, projects, themes, phenomena,
URIs); depending on where a dataset dict comes from (the form, the API,
Solr, a harvester) a list arrives as a list, as JSON text or as one plain
value. `as_list` reads all of them the same way.
"""
import json


def as_list(value):
    """A list for a list, JSON list text, one plain value or nothing."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None or value == "":
        return []
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return parsed if isinstance(parsed, list) else [parsed]
    return [value]


def as_text_list(value):
    """as_list with empty items left out and every item as text."""
    return [str(item) for item in as_list(value) if item not in (None, "")]
