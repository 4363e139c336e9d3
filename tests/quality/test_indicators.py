"""MQA indicators and weights on dataset dictionaries (no services)."""
import pytest

from ckanext.smartcityms.quality import indicators
from tests.datasets import full_dataset, minimal_dataset

pytestmark = pytest.mark.fast


def shown(dataset):
    """What package_show adds that the indicators read (validator defaults)."""
    dataset = dict(dataset, id="x")
    dataset.setdefault("political_geocoding_uri", "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05515000")
    dataset.setdefault("access_rights", "http://publications.europa.eu/resource/authority/access-right/PUBLIC")
    return dataset


def answering(dataset, ok=True):
    return {u: {"ok": ok, "status": 200 if ok else 404, "checked": "2026-12-01T00:00:00+00:00"}
            for r in dataset["resources"] for u in (r.get("url"), r.get("download_url")) if u}


def test_weights_add_up_to_the_405_points_of_mqa_in_five_dimensions():
    dataset = shown(full_dataset("org"))
    result = indicators.assess(dataset, answering(dataset), conformant=True).as_dict()
    assert sum(i["points"] for i in result["indicators"]) == indicators.MAXIMUM == 405
    assert {name: d["maximum"] for name, d in result["dimensions"].items()} == {
        "findability": 100, "accessibility": 100, "interoperability": 110, "reusability": 75, "contextuality": 20}


def test_a_dataset_with_every_field_and_answering_links_is_excellent():
    dataset = shown(full_dataset("org"))
    result = indicators.assess(dataset, answering(dataset), conformant=True)
    assert (result.score, result.rating, result.missing()) == (405, "excellent", [])


def test_what_a_minimal_dataset_lacks_is_named_with_a_hint_biggest_gain_first():
    dataset = shown(minimal_dataset("org"))
    result = indicators.assess(dataset, answering(dataset), conformant=True)
    assert result.score == 185 and result.rating == "sufficient"
    missing = [i.key for i in result.missing()]
    assert missing[:2] == ["keywords", "download_url_answers"]
    assert {"temporal", "download_url", "format", "media_type", "machine_readable", "contact_point",
            "byte_size", "issued", "modified"} <= set(missing)
    assert all(i.hint["de"] and i.hint["en"] for i in result.missing())


def test_links_not_checked_yet_earn_nothing_and_say_so_broken_ones_cost_their_share():
    dataset = shown(full_dataset("org"))
    unchecked = indicators.assess(dataset, {}, conformant=True)
    access = next(i for i in unchecked.indicators if i.key == "access_url_answers")
    assert access.unknown and access.earned == 0
    dataset["resources"].append(dict(dataset["resources"][0], url="https://example.org/kaputt.csv",
                                     download_url="https://example.org/kaputt.csv"))
    results = answering(dataset)
    results["https://example.org/kaputt.csv"] = {"ok": False, "status": 404, "checked": "2026-12-01"}
    half = indicators.assess(dataset, results, conformant=False)
    access = next(i for i in half.indicators if i.key == "access_url_answers")
    assert (access.unknown, access.earned) == (False, 25)
    assert next(i for i in half.indicators if i.key == "dcat_ap_conformant").earned == 0
    assert half.score == 405 - 25 - 15 - 30


def test_ratings_follow_the_mqa_bands():
    assert [indicators.rating_of(p) for p in (405, 351, 350, 221, 220, 121, 120, 0)] == [
        "excellent", "excellent", "good", "good", "sufficient", "sufficient", "bad", "bad"]
