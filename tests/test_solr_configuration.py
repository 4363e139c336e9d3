"""solr/build_schema.py: CKAN's schema for standalone cores, one field changed for SolrCloud."""
import importlib.util
import pathlib

import pytest

pytestmark = pytest.mark.fast

ROOT = pathlib.Path(__file__).resolve().parents[1]


def build_schema():
    spec = importlib.util.spec_from_file_location("build_schema", ROOT / "solr" / "build_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_collections_get_a_numeric_version_field_and_cores_keep_ckans():
    module = build_schema()
    ckan_schema = module.ckan_schema_path().read_text("utf-8")
    standalone = module.core_configuration(ckan_schema)["schema.xml"]
    cloud = module.core_configuration(ckan_schema, cloud=True)["schema.xml"]
    assert '<field name="_version_" type="string" indexed="true" stored="true"/>' in standalone
    assert module.CLOUD_VERSION_FIELD in cloud and 'name="_version_" type="string"' not in cloud
    assert cloud.replace(module.CLOUD_VERSION_FIELD, "").count("<field ") == standalone.count("<field ") - 1
