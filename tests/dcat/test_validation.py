"""`ckan smartcityms validate` and the validation result editors see."""
import pytest

import ckan.model as model
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from tests.datasets import full_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def valid_dataset():
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster")
    return helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                               **full_dataset(org["id"]))


def break_title(dataset):
    """A dataset made invalid behind the API's back (as legacy or imported data can be)."""
    from ckan.lib import search
    import datetime
    package = model.Package.get(dataset["id"])
    package.title = ""
    package.metadata_modified = datetime.datetime.utcnow()  # as every change through CKAN does
    model.repo.commit()
    search.rebuild(dataset["id"])


def test_validate_all_datasets_passes_on_valid_data(cli, valid_dataset):
    result = cli.invoke(ckan_command, ["smartcityms", "validate"])
    assert result.exit_code == 0, result.output
    assert "1 dataset(s), 0 violation(s)" in result.output


def test_validate_reports_rules_and_exits_non_zero(cli, valid_dataset):
    break_title(valid_dataset)
    result = cli.invoke(ckan_command, ["smartcityms", "validate", "--dataset", valid_dataset["name"]])
    assert result.exit_code == 1, result.output
    assert "Violation" in result.output and "dcterms:title" in result.output
    assert f"1 dataset(s) not valid: {valid_dataset['name']}" in result.output


def test_validate_unknown_dataset(cli):
    result = cli.invoke(ckan_command, ["smartcityms", "validate", "--dataset", "gibt-es-nicht"])
    assert result.exit_code == 2


def test_editors_see_the_result_on_the_dataset_page(app, valid_dataset):
    editor = factories.SysadminWithToken()
    page = app.get(f"/dataset/{valid_dataset['name']}", headers={"Authorization": editor["token"]})
    assert "DCAT-AP.de-Prüfung" in page.body and "smartcityms-dcat-valid" in page.body  # German by default
    anonymous = app.get(f"/dataset/{valid_dataset['name']}")
    assert "smartcityms-dcat-validation" not in anonymous.body

    break_title(valid_dataset)
    page = app.get(f"/dataset/{valid_dataset['name']}", headers={"Authorization": editor["token"]})
    assert "smartcityms-dcat-invalid" in page.body
