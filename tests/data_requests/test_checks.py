"""The bounds and the spam check of a new data request (pure functions)."""
import pytest

from ckanext.smartcityms.data_requests import checks

pytestmark = pytest.mark.fast

GOOD = {"title": "Lärmmessungen an der Promenade",
        "description": "Messwerte der Lärmpegel entlang der Promenade, stündlich, seit 2024.",
        "intended_use": "Eine Karte für den Münsterhack", "contact_name": "", "contact_email": "", "website": ""}


def test_a_good_request_has_no_problems():
    assert checks.problems(dict(GOOD)) == {}


@pytest.mark.parametrize("change, field, message", [
    ({"title": "Lärm"}, "title", "At least 5"),
    ({"title": "x" * 201}, "title", "At most 200"),
    ({"title": "12345 67890"}, "title", "in words"),
    ({"description": "zu kurz"}, "description", "At least 20"),
    ({"intended_use": "u" * 2001}, "intended_use", "At most 2000"),
    ({"contact_email": "nicht-gültig"}, "contact_email", "valid email"),
    ({"website": "https://spam.example"}, "website", "must stay empty"),
    ({"description": "Billig! https://a.example https://b.example www.c.example jetzt kaufen"}, "description",
     "At most 2 links"),
])
def test_bounds_and_spam_signs_are_refused_with_a_message(change, field, message):
    found = checks.problems(dict(GOOD, **change))
    assert message in " ".join(found[field])


def test_texts_are_cleaned_of_what_cannot_be_stored_and_trimmed():
    assert checks.clean_text("  Parkhaus\x00 Theater\x07\n ") == "Parkhaus Theater"
    assert checks.clean_text(None) == "" and checks.clean_text(42) == "42"
    assert checks.clean_text("Bu\u0308ro") == "Büro"  # one form of ü, whatever the browser sent


def test_a_contact_address_is_stored_without_mailto():
    fields = dict(GOOD, contact_email="mailto:team@example.org")
    assert checks.problems(fields) == {} and fields["contact_email"] == "team@example.org"
