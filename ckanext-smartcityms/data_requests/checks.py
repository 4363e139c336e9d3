"""What a data request must be before it is stored: bounded texts, a valid
contact if any, and a spam check that asks no outside service.

Pure functions (no database, no Redis): `problems(fields)` answers a dict of
field -> messages, empty when the request may be stored.
"""
import re
import unicodedata

import ckan.plugins.toolkit as tk

from ckanext.smartcityms.fields import iri, validators

BOUNDS = {  # field: (shortest, longest) in characters
    "title": (5, 200),
    "description": (20, 5000),
    "intended_use": (10, 2000),
    "contact_name": (0, 200),
    "answer": (0, 5000),
}
MAX_LINKS = 2  # in all texts together: spam comes with many links
HONEYPOT = "website"  # hidden in the form; people leave it empty, form-filling bots do not
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def clean_text(value):
    """Text as stored: a string without the control characters XML and PostgreSQL refuse, trimmed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return iri.xml_text(unicodedata.normalize("NFC", value)).strip()


def _letters(text):
    return sum(1 for char in text if char.isalpha())


def text_problems(fields, names):
    found = {}
    for name in names:
        shortest, longest = BOUNDS[name]
        text = fields.get(name, "")
        if len(text) > longest:
            found[name] = [tk._("At most {n} characters").format(n=longest)]
        elif shortest and len(text) < shortest:
            found[name] = [tk._("At least {n} characters").format(n=shortest)]
        elif shortest and _letters(text) < min(shortest, 3):
            found[name] = [tk._("Please write in words")]
    return found


def spam_problems(fields):
    found = {}
    if fields.get(HONEYPOT):
        found[HONEYPOT] = [tk._("This field must stay empty")]
    texts = " ".join(fields.get(name, "") for name in ("title", "description", "intended_use", "contact_name"))
    if len(LINK.findall(texts)) > MAX_LINKS:
        found["description"] = [tk._("At most {n} links, please").format(n=MAX_LINKS)]
    return found


def contact_problems(fields):
    email = fields.get("contact_email")
    if not email:
        return {}
    try:
        fields["contact_email"] = validators.smartcityms_email(email)
    except tk.Invalid as error:
        return {"contact_email": [error.error]}
    return {}


def problems(fields):
    """Everything wrong with a new request (fields already cleaned)."""
    return {**text_problems(fields, ("title", "description", "intended_use", "contact_name")),
            **contact_problems(fields), **spam_problems(fields)}
