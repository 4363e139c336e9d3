"""CKAN's licence list is the DCAT-AP.de list, and datasets show their distributions' licence."""
import json

import pytest

from ckan.tests import factories, helpers

from ckanext.smartcityms.reference import licenses
from tests.datasets import LICENSES, minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_shipped_licence_list_matches_the_vocabulary():
    shipped = json.loads(licenses.license_list_path().read_text("utf-8"))
    assert shipped == licenses.ckan_license_list(), "run licenses.write_license_list()"


def test_dataset_licence_comes_from_its_distributions(app):
    org = factories.Organization()
    dataset = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                                  **minimal_dataset(org["id"], resources=[{
                                      "url": "https://example.org/a.csv", "license": "dl-by-de/2.0",
                                      "license_attribution_by_text": "Stadt Münster"}]))
    assert dataset["license_id"] == LICENSES + "dl-by-de/2.0"
    assert dataset["license_title"] == "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    assert dataset["isopen"] is True
    page = app.get(f"/dataset/{dataset['name']}")
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in page.body
    assert "Keine Lizenz angegeben" not in page.body
    facets = helpers.call_action("package_search", **{"facet.field": ["license_id"]})["facets"]
    assert facets["license_id"] == {LICENSES + "dl-by-de/2.0": 1}
