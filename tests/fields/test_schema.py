"""The DCAT-AP.de dataset, resource and organization schema: what it stores
and the errors it gives."""

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.datasets import EU, LICENSES, full_dataset, minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def org():
    return factories.Organization(name="stadt-muenster", title="Stadt Münster")


def create(**data):
    return helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]}, **data)


def errors_of(data):
    with pytest.raises(tk.ValidationError) as raised:
        create(**data)
    return raised.value.error_dict


class TestStoredValues:
    def test_full_dataset_round_trips_through_the_api(self, org):
        created = create(**full_dataset(org["id"]))
        shown = helpers.call_action("package_show", id=created["id"])
        expected = full_dataset(org["id"])
        for key, value in expected.items():
            if key in ("resources", "tags"):
                continue
            assert shown[key] == value, key
        resource = shown["resources"][0]
        for key, value in expected["resources"][0].items():
            assert resource[key] == value, key

    def test_defaults_make_a_minimal_dataset_complete(self, org):
        shown = create(**minimal_dataset(org["id"]))
        assert shown["language"] == [EU + "language/DEU"]
        assert shown["political_geocoding_uri"].endswith("municipalityKey/05515000")
        assert shown["political_geocoding_level_uri"].endswith("Level/municipality")
        assert shown["access_rights"] == EU + "access-right/PUBLIC"
        assert shown["projekt"] == []

    def test_codes_aliases_and_labels_are_stored_as_uris_and_slugs(self, org):
        shown = create(**minimal_dataset(
            org["id"], handlungsfeld=["Mobilität", "umwelt"], projekt="LOOP, Leezenflow",
            theme=["TRAN"], language="DEU,ENG", frequency="daily",
            resources=[{"url": "https://example.org/a.csv", "format": "csv",
                        "license": "dl-zero-de/2.0"}]))
        assert shown["handlungsfeld"] == ["mobilitaet-verkehr", "umwelt-energie-klima"]
        assert shown["projekt"] == ["loop", "leezenflow"]
        assert shown["theme"] == [EU + "data-theme/TRAN"]
        assert shown["language"] == [EU + "language/DEU", EU + "language/ENG"]
        assert shown["frequency"] == EU + "frequency/DAILY"
        assert shown["resources"][0]["format"] == "CSV"
        assert shown["resources"][0]["license"] == LICENSES + "dl-zero-de/2.0"

    def test_handlungsfeld_and_projekt_are_searchable_and_faceted(self, org):
        create(**minimal_dataset(org["id"], projekt=["loop"]))
        create(**minimal_dataset(org["id"], name="aasee", handlungsfeld=["umwelt-energie-klima"]))
        result = helpers.call_action("package_search", fq="handlungsfeld:mobilitaet-verkehr",
                                     **{"facet.field": ["handlungsfeld", "projekt"]})
        assert [d["name"] for d in result["results"]] == ["radverkehr-zaehlstellen"]
        assert result["facets"]["handlungsfeld"] == {"mobilitaet-verkehr": 1}
        assert result["facets"]["projekt"] == {"loop": 1}
        assert helpers.call_action("package_search", fq="projekt:loop")["count"] == 1


class TestErrors:
    @pytest.mark.parametrize("changes, field, message", [
        ({"handlungsfeld": []}, "handlungsfeld", "Missing value"),
        ({"handlungsfeld": ["Raumfahrt"]}, "handlungsfeld", '"Raumfahrt" is not a Handlungsfeld'),
        ({"projekt": ["gibt-es-nicht"]}, "projekt", '"gibt-es-nicht" is not a Smart City project'),
        ({"theme": ["SPACE"]}, "theme", '"SPACE" is not in the list of EU data themes'),
        ({"url": "javascript:alert(1)"}, "url", "valid URL"),
        ({"contact_email": "not-an-address"}, "contact_email", "valid email"),
        ({"temporal_start": "2026-01-01", "temporal_end": "2025-12-31"}, "temporal_end",
         "end date lies before the start date"),
        ({"temporal_start": "31.12.2025"}, "temporal_start", "YYYY-MM-DD"),
        ({"spatial": '{"type":"Point","coordinates":[700,52]}'}, "spatial", "longitude/latitude"),
        ({"spatial": '{"type":"Polygon","coordinates":[[[7,51],[8,51],[8,52]]]}'}, "spatial", "closed"),
        ({"spatial": "kein json"}, "spatial", "not valid GeoJSON"),
        ({"frequency": "whenever"}, "frequency", '"whenever" is not in the list'),
        ({"keywords_en": "air quality, CO2 (ppm)"}, "keywords_en", 'Keyword "CO2 (ppm)"'),
    ])
    def test_invalid_dataset_values_are_named(self, org, changes, field, message):
        errors = errors_of(minimal_dataset(org["id"], **changes))
        assert any(message in text for text in errors[field]), errors

    @pytest.mark.parametrize("changes, field, message", [
        ({"license": ""}, "license", "Missing value"),
        ({"license": "http://example.org/my-licence"}, "license", "is not in the list of DCAT-AP.de licences"),
        ({"license": LICENSES + "dl-by-de/2.0"}, "license_attribution_by_text", "requires an attribution text"),
        ({"mimetype": "csv please"}, "mimetype", "IANA media type"),
        ({"size": "-5"}, "size", "whole number of bytes"),
        ({"hash": "abc", "hash_algorithm": "sha256"}, "hash", "not a SHA-256 checksum"),
        ({"hash": "9e107d9d372bb6826bd81d3542a41"}, "hash", "choose the checksum algorithm"),
        ({"download_url": "ftp//broken"}, "download_url", "valid URL"),
        ({"format": "Lochkarte"}, "format", '"Lochkarte" is not in the list of File formats'),
    ])
    def test_invalid_resource_values_are_named(self, org, changes, field, message):
        resource = dict(minimal_dataset(org["id"])["resources"][0], **changes)
        errors = errors_of(minimal_dataset(org["id"], resources=[resource]))
        resource_errors = errors["resources"][0]
        assert any(message in text for text in resource_errors[field]), errors

    def test_a_checksum_alone_is_named_by_its_length(self, org):
        """ckanext-xloader writes the MD5 of a loaded file into `hash`, nothing else."""
        resource = dict(minimal_dataset(org["id"])["resources"][0], hash="9E107D9D372BB6826BD81D3542A419D6")
        created = create(**minimal_dataset(org["id"], resources=[resource]))
        stored = created["resources"][0]
        assert stored["hash"] == "9e107d9d372bb6826bd81d3542a419d6"
        assert stored["hash_algorithm"] == "http://spdx.org/rdf/terms#checksumAlgorithm_md5"

    def test_nothing_invalid_is_stored_on_update(self, org):
        created = create(**minimal_dataset(org["id"]))
        with pytest.raises(tk.ValidationError):
            helpers.call_action("package_patch", {"user": factories.Sysadmin()["name"]},
                                id=created["id"], handlungsfeld=["Raumfahrt"])
        assert helpers.call_action("package_show", id=created["id"])["handlungsfeld"] == [
            "mobilitaet-verkehr"]

    @pytest.mark.parametrize("prefix, expected", [
        ("", "„Raumfahrt“ ist kein Handlungsfeld der Smart City-Strategie"),  # German is the default
        ("/en", '"Raumfahrt" is not a Handlungsfeld of the Smart City strategy'),
    ])
    def test_api_errors_come_in_the_users_language(self, app, org, prefix, expected):
        sysadmin = factories.SysadminWithToken()
        response = app.post(f"{prefix}/api/3/action/package_create",
                            json=minimal_dataset(org["id"], handlungsfeld=["Raumfahrt"]),
                            headers={"Authorization": sysadmin["token"]}, status=409)
        message = " ".join(response.json["error"]["handlungsfeld"])
        assert expected in message


class TestOrganization:
    def test_publisher_fields(self):
        org = helpers.call_action(
            "organization_create", {"user": factories.Sysadmin()["name"]},
            name="stadt-muenster", title="Stadt Münster", homepage="https://www.stadt-muenster.de",
            email="info@stadt-muenster.de", default_publisher="true")
        assert org["publisher_type"] == "http://purl.org/adms/publishertype/LocalAuthority"
        assert org["default_publisher"] == "true"
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action("organization_create", {"user": factories.Sysadmin()["name"]},
                                name="x-org", publisher_type="Raumschiff")
        assert "publisher_type" in raised.value.error_dict


def test_search_facets_carry_readable_names(app, org):
    create(**minimal_dataset(org["id"], projekt=["loop"]))
    result = app.get("/api/3/action/package_search",
                     query_string={"facet.field": '["handlungsfeld", "projekt"]'}).json["result"]
    names = {item["name"]: item["display_name"] for item in result["search_facets"]["handlungsfeld"]["items"]}
    assert names == {"mobilitaet-verkehr": "Mobilität & Verkehr"}
    english = app.get("/en/api/3/action/package_search",
                      query_string={"facet.field": '["projekt"]'}).json["result"]
    assert english["search_facets"]["projekt"]["items"][0]["display_name"] == "LOOP"
    page = app.get("/dataset/")
    assert "Handlungsfeld" in page.body and "Mobilität &amp; Verkehr" in page.body
