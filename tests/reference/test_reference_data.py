"""Reference data shared by pages and harvesters: phenomena, vocabularies, Münster's geocoding."""
import pytest

from ckanext.smartcityms.reference import geocoding, phenomena, vocabularies

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("spelling, slug", [
    ("Temperatur", "temperatur"), ("temperature", "temperatur"), ("rel. Luftfeuchte", "luftfeuchte"),
    ("PM2.5", "pm25"), ("PM 10", "pm10"), ("CO₂", "co2"),
])
def test_sensor_titles_map_to_the_controlled_phenomena(spelling, slug):
    found = phenomena.phenomenon(spelling)
    assert found is not None and found["slug"] == slug
    assert found["title"]["de"] and found["title"]["en"]


def test_an_unknown_phenomenon_is_none():
    assert phenomena.phenomenon("Gedankenstrom") is None
    assert phenomena.phenomenon(None) is None


def test_vocabularies_resolve_codes_labels_and_uris():
    file_type = vocabularies.vocabulary("file-type")
    uri = "http://publications.europa.eu/resource/authority/file-type/CSV"
    assert file_type.resolve("csv") == file_type.resolve("CSV") == file_type.resolve(uri) == uri
    licence = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert vocabularies.vocabulary("license").resolve(licence) == licence
    assert vocabularies.license_requires_attribution("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    assert not vocabularies.license_requires_attribution("http://dcat-ap.de/def/licenses/dl-zero-de/2.0")
    assert file_type.get(42) is None


def test_muenster_lies_in_its_bounding_box_and_has_one_municipality_key():
    west, south, east, north = geocoding.BBOX
    assert west < 7.6256 < east and south < 51.9625 < north  # Prinzipalmarkt
    assert geocoding.MUNICIPALITY_KEY.endswith("/municipalityKey/05515000")
    assert geocoding.MUNICIPALITY_KEY in geocoding.CITY_KEYS
