"""DataStore full text in German, for tables CKAN writes and for our bulk loads."""
import pytest

from ckan.tests import factories, helpers

from ckanext.smartcityms.datastore import bulk_tables
from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore")
ROWS = [{"id": 1, "name": "Parkhaus Theater", "status": "frei"},
        {"id": 2, "name": "Busbahnhof", "status": "besetzt"}]


def new_resource():
    dataset = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                                  **minimal_dataset(factories.Organization()["id"]))
    return dataset["resources"][0]


def found(resource_id, q):
    result = helpers.call_action("datastore_search", resource_id=resource_id, q=q)
    return [r["id"] for r in result["records"]]


def test_bulk_loaded_rows_are_found_by_german_word_forms():
    resource = new_resource()
    context = {"user": factories.Sysadmin()["name"]}
    bulk_tables.ensure_table(context, resource["id"], [("id", "int"), ("name", "text"), ("status", "text")], ["id"])
    assert bulk_tables.load(resource["id"], [("id", "int"), ("name", "text"), ("status", "text")], ROWS, ["id"]) == 2
    assert found(resource["id"], "Parkhäuser") == [1]
    assert found(resource["id"], "Theatern") == [1]


def test_rows_written_through_the_datastore_api_are_too():
    resource = new_resource()
    helpers.call_action("datastore_create", {"user": factories.Sysadmin()["name"]}, resource_id=resource["id"],
                        force=True, fields=[{"id": "id", "type": "int"}, {"id": "name", "type": "text"},
                                            {"id": "status", "type": "text"}], records=ROWS)
    assert found(resource["id"], "Parkhäuser") == [1]
    assert found(resource["id"], "Busbahnhöfe") == [2]
