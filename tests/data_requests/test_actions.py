"""Data requests through the Action API on the real stack: who sees the
contact, who answers, the rate limit, the duplicate check and deletion."""
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "fresh_limits")

WISH = {"title": "Lärmmessungen an der Promenade",
        "description": "Messwerte der Lärmpegel entlang der Promenade, stündlich, seit 2024.",
        "intended_use": "Eine Karte für den Münsterhack",
        "contact_name": "Alex Beispiel", "contact_email": "alex@example.org"}


@pytest.fixture
def editor():
    user = factories.User()
    factories.Organization(users=[{"name": user["name"], "capacity": "editor"}], image_url="")
    return user


def anonymous(action, **data):
    return helpers.call_action(action, {"user": "", "ignore_auth": False}, **data)


def test_an_anonymous_request_hides_its_contact_from_everyone_but_editors(editor):
    created = anonymous("smartcityms_data_request_create", **WISH)
    assert created["status"] == "open" and created["deletion_key"]
    assert "contact_email" not in created and "contact_name" not in created
    citizen = factories.User()
    for user in ("", citizen["name"]):
        shown = helpers.call_action("smartcityms_data_request_show", {"user": user}, id=created["id"])
        listed = helpers.call_action("smartcityms_data_request_list", {"user": user})
        assert "alex@example.org" not in repr((shown, listed)) and "Alex Beispiel" not in repr((shown, listed))
    for_editor = helpers.call_action("smartcityms_data_request_show", {"user": editor["name"]}, id=created["id"])
    assert for_editor["contact_email"] == "alex@example.org"


def test_an_editor_takes_it_from_open_to_published_with_a_dataset(editor):
    org = factories.Organization(image_url="")
    dataset = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                                  **minimal_dataset(org["id"], name="laermmessungen"))
    created = anonymous("smartcityms_data_request_create", **WISH)
    context = {"user": editor["name"]}
    working = helpers.call_action("smartcityms_data_request_update", context, id=created["id"],
                                  status="in_progress", handlungsfeld="umwelt")
    assert working["status"] == "in_progress" and working["handlungsfeld"] == "umwelt-energie-klima"
    with pytest.raises(tk.ValidationError) as missing:
        helpers.call_action("smartcityms_data_request_update", context, id=created["id"], status="published")
    assert "Name the dataset" in str(missing.value.error_dict["dataset"])
    with pytest.raises(tk.ValidationError) as unknown:
        helpers.call_action("smartcityms_data_request_update", context, id=created["id"], status="published",
                            dataset="gibt-es-nicht")
    assert '"gibt-es-nicht"' in str(unknown.value.error_dict["dataset"])
    done = helpers.call_action("smartcityms_data_request_update", context, id=created["id"], status="published",
                               dataset=dataset["name"], answer="Seit heute im Portal.")
    assert done["status"] == "published" and done["dataset"]["name"] == dataset["name"]
    published = anonymous("smartcityms_data_request_list", status="published")
    assert [r["id"] for r in published["results"]] == [created["id"]]
    assert anonymous("smartcityms_data_request_list", status="open")["count"] == 0


def test_declining_needs_a_reason_and_only_editors_answer(editor):
    created = anonymous("smartcityms_data_request_create", **WISH)
    with pytest.raises(tk.ValidationError) as no_reason:
        helpers.call_action("smartcityms_data_request_update", {"user": editor["name"]}, id=created["id"],
                            status="declined")
    assert "reason" in str(no_reason.value.error_dict["answer"])
    for user in ("", factories.User()["name"]):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("smartcityms_data_request_update", {"user": user, "ignore_auth": False},
                                id=created["id"], status="declined", answer="Nein.")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("smartcityms_data_request_update", {"user": editor["name"]}, id=created["id"],
                            status="erledigt")
    assert anonymous("smartcityms_data_request_show", id=created["id"])["status"] == "open"


def test_the_requester_deletes_the_contact_with_the_key_and_nobody_else_can(editor):
    created = anonymous("smartcityms_data_request_create", **WISH)
    for wrong in ("falsch", "", None, "x" * 10_000):
        with pytest.raises(tk.NotAuthorized):
            anonymous("smartcityms_data_request_contact_delete", id=created["id"], deletion_key=wrong)
    anonymous("smartcityms_data_request_contact_delete", id=created["id"], deletion_key=created["deletion_key"])
    shown = helpers.call_action("smartcityms_data_request_show", {"user": editor["name"]}, id=created["id"])
    assert shown["contact_email"] is None and shown["contact_name"] is None
    assert shown["title"] == WISH["title"]  # the request itself stays
    with pytest.raises(tk.NotAuthorized):  # the key is spent
        anonymous("smartcityms_data_request_contact_delete", id=created["id"], deletion_key=created["deletion_key"])


def test_the_sixth_request_within_a_minute_is_refused_with_a_clear_message():
    for number in range(5):
        anonymous("smartcityms_data_request_create", **dict(WISH, title=f"Wunsch Nummer {number}"))
    with pytest.raises(tk.ValidationError) as refused:
        anonymous("smartcityms_data_request_create", **dict(WISH, title="Wunsch Nummer 6"))
    assert "at most 5 a minute" in str(refused.value.error_dict["message"])
    assert anonymous("smartcityms_data_request_list")["count"] == 5


def test_the_same_request_twice_and_spam_are_refused_and_nothing_is_stored():
    anonymous("smartcityms_data_request_create", **WISH)
    with pytest.raises(tk.ValidationError) as twice:
        anonymous("smartcityms_data_request_create", **WISH)
    assert "sent already" in str(twice.value.error_dict["message"])
    with pytest.raises(tk.ValidationError) as trap:
        anonymous("smartcityms_data_request_create", **dict(WISH, title="Anderer Wunsch", website="x"))
    assert "website" in trap.value.error_dict
    assert anonymous("smartcityms_data_request_list")["count"] == 1


@pytest.mark.parametrize("params", [{"status": "alle"}, {"limit": "viele"}, {"limit": 1000}, {"offset": -1}])
def test_a_list_with_unreadable_parameters_is_a_validation_error(params):
    with pytest.raises(tk.ValidationError):
        anonymous("smartcityms_data_request_list", **params)


def test_an_unknown_or_absurd_id_is_not_found():
    for request_id in ("gibt-es-nicht", "x" * 5000):
        with pytest.raises(tk.ObjectNotFound):
            anonymous("smartcityms_data_request_show", id=request_id)


def test_editors_are_not_counted(editor):
    for number in range(7):
        helpers.call_action("smartcityms_data_request_create", {"user": editor["name"]},
                            **dict(WISH, title=f"Wunsch der Redaktion {number}"))
    assert anonymous("smartcityms_data_request_list")["count"] == 7
