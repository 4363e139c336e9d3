"""From a real openSenseMap box to a dataset: pure mapping, no services."""
import copy
import datetime
import json

import pytest

from ckanext.smartcityms.harvesters.opensensemap import mapping
from ckanext.smartcityms.harvesters.opensensemap.harvester import parse_config
from ckanext.smartcityms.reference import geocoding
from tests.replay import shared_file

pytestmark = pytest.mark.fast

NOW = datetime.datetime(2024, 5, 20, tzinfo=datetime.timezone.utc)


@pytest.fixture
def real_boxes():
    return json.loads(shared_file("fixtures/opensensemap/boxes_GET_all_real_response_subset_2024-05.json")
                      .read_text("utf-8"))


def test_every_recorded_box_maps_to_a_dataset_or_a_named_problem(real_boxes):
    config = parse_config("{}")
    mapped = 0
    for box in real_boxes:
        try:
            dataset, unknown, notes = mapping.dataset_for_box(box, config, NOW)
        except mapping.BoxError as error:
            assert str(error)
            continue
        mapped += 1
        assert dataset["name"].startswith("sensebox-") and dataset["title"]
        assert dataset["political_geocoding_uri"] in (geocoding.MUNICIPALITY_KEY, geocoding.NRW_STATE_KEY)
        assert dataset["resources"] and all(r["url"].startswith("http") for r in dataset["resources"])
        assert isinstance(unknown, list) and isinstance(notes, list)
    assert mapped >= len(real_boxes) // 2


def test_the_metadata_hash_ignores_measurements_but_not_the_name(real_boxes):
    box = next(b for b in real_boxes if b.get("sensors"))
    changed_value = copy.deepcopy(box)
    changed_value["updatedAt"] = "2030-01-01T00:00:00.000Z"
    assert mapping.metadata_hash(box, False) == mapping.metadata_hash(changed_value, False)
    renamed = dict(box, name=str(box.get("name")) + " (neu)")
    assert mapping.metadata_hash(box, False) != mapping.metadata_hash(renamed, False)
    assert mapping.metadata_hash(box, False) != mapping.metadata_hash(box, True)


def test_indoor_positions_are_coarsened_to_the_grid():
    lon, lat = mapping.coarsen(7.62561, 51.96251, 100)
    assert (lon, lat) != (7.62561, 51.96251)
    assert abs(lon - 7.62561) < 0.002 and abs(lat - 51.96251) < 0.001
    # Two neighbours in one cell publish the same place (to well under a metre).
    first, second = mapping.coarsen(7.62561, 51.96251, 100), mapping.coarsen(7.62562, 51.96252, 100)
    assert abs(first[0] - second[0]) < 0.00001 and first[1] == second[1]
