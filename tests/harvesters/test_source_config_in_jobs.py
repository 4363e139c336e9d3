"""A stored source configuration that no longer parses stops every harvester the same way.

Configurations are checked when a source is saved; one can still go bad
afterwards (edited in the database, or written before a rule was added).
Each harvester then ends the job with one gather error that says nothing
changed, through the real queues, and leaves the catalogue as it was.
"""
import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.harvest.model import HarvestGatherError, HarvestSource

from tests.harvesters.test_harvest_stack import run_job_through_queues

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "queues_empty")

VALID = {
    "dcat_ap_de_rdf": {"handlungsfeld": ["umwelt"]},
    "opensensemap": {"retries": 0},
    "stadtwerke_ms": {"feeds": [{"id": "parken", "kind": "parking", "url": "https://example.org/pls.xml"}]},
}


@pytest.mark.parametrize("source_type", sorted(VALID))
@pytest.mark.parametrize("broken", ['{"unbekannt": true}', "{kein json", '{"timeout": -1}'])
def test_a_configuration_gone_bad_is_a_gather_error_in_every_harvester(source_type, broken):
    context = {"user": factories.Sysadmin()["name"]}
    source = tk.get_action("harvest_source_create")(dict(context), {
        "name": f"quelle-{source_type.replace('_', '-')}", "title": "Quelle", "url": "https://example.org/",
        "source_type": source_type, "owner_org": factories.Organization()["id"], "frequency": "MANUAL",
        "config": json.dumps(VALID[source_type])})
    before = model.Session.query(model.Package).filter_by(type="dataset").count()
    HarvestSource.get(source["id"]).config = broken
    model.Session.commit()

    job = run_job_through_queues(context, source["id"])

    errors = [e.message for e in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job["id"])]
    assert len(errors) == 1, errors
    assert errors[0].startswith("The source configuration is not valid: ")
    assert errors[0].endswith("Nothing was changed.")
    assert job["stats"].get("added", 0) == 0 and job["stats"].get("deleted", 0) == 0
    assert model.Session.query(model.Package).filter_by(type="dataset").count() == before
