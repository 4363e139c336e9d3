"""The Stadtwerke feed readers on their own: GTFS, bus radar, GeoJSON layers, parking XML."""
import pytest

from ckanext.smartcityms.harvesters.stadtwerke.readers import busradar
from ckanext.smartcityms.harvesters.stadtwerke.readers import geojson_layer
from ckanext.smartcityms.harvesters.stadtwerke.readers import gtfs
from ckanext.smartcityms.harvesters.stadtwerke.readers import parking
from tests import stadtwerke_payloads as payloads
from tests.replay import shared_file

pytestmark = pytest.mark.fast


def test_gtfs_with_bom_crlf_and_without_optional_files():
    summary = gtfs.summarise(payloads.gtfs_zip(with_calendar=False))
    assert summary.agencies == ["Stadtwerke Münster GmbH"] and summary.route_count == 3
    assert len(summary.stops) == 25 and summary.stops[0].stop_id == "11137P"  # BOM gone from the header
    assert summary.stops[0].name == "Altenberge Hagebuttenweg"  # CRLF gone from the values
    assert summary.service_start is None
    assert summary.problems == ["no service period found (feed_info.txt, calendar.txt and calendar_dates.txt "
                                "give no dates)"]
    west, south, east, north = summary.bbox
    assert west < 7.48 and east > 8.04 and south < 51.77 and north > 52.04


def test_truncated_or_incomplete_gtfs_is_refused_with_the_reason():
    with pytest.raises(gtfs.GtfsError, match="not a readable zip"):
        gtfs.summarise(payloads.gtfs_zip()[:-200])
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("agency.txt", "agency_name\nX\n")
    with pytest.raises(gtfs.GtfsError, match="stops.txt, routes.txt, trips.txt, stop_times.txt"):
        gtfs.summarise(buffer.getvalue())


def test_bus_radar_2020_and_newer_formats():
    rows, problems = busradar.vehicles(payloads.bus_vehicles())
    assert problems == []
    assert rows[0]["stand"] == "2020-03-04T17:20:18" and rows[0]["naechste_haltestelle"] == "4587101"
    assert rows[1]["stand"] == "2026-08-15T13:20:00" and rows[1]["verspaetung_s"] == -30
    with pytest.raises(busradar.BusradarError, match="no 'features' list"):
        busradar.vehicles(b'{"error": "maintenance"}')


def test_geojson_layers_are_described_and_projected_coordinates_refused():
    layer = geojson_layer.describe(shared_file(payloads.PARK_AND_RIDE).read_bytes())
    assert layer["count"] > 10 and layer["properties"] == ["title", "id", "info"]
    assert layer["geometry_types"] == ["Point"] and layer["titles"][0] == "P+R Amelsbüren Bahnhof"
    legacy = shared_file("fixtures/stadtwerke/stadt_muenster_parking_geojson_index.php_id_10910_fixture_2022.json")
    with pytest.raises(geojson_layer.LayerError, match="not longitude/latitude"):
        geojson_layer.describe(legacy.read_bytes())  # EPSG:31467, as the city served it


def test_parking_names_map_to_stable_ids_through_prefixes_and_aliases():
    index = parking.garage_index({"Parkhaus am Theater": "ph-theater"})
    assert index[parking.name_key("Parkhaus Coesfelder Kreuz")] == "ph-coesfelder-kreuz"  # PH = Parkhaus
    assert index[parking.name_key("Parkhaus PH Coesfelder Kreuz")] == "ph-coesfelder-kreuz"  # old name
    assert index[parking.name_key("Parkhaus Galeria")] == "ph-karstadt"  # renamed
    assert index[parking.name_key("parkhaus am theater")] == "ph-theater"  # the source's own alias
    assert parking.name_key("PP Hafenmarkt") != parking.name_key("TG Hafenmarkt")


def test_parking_xml_with_entities_or_cut_off_is_refused():
    with pytest.raises(parking.ParkingError, match="DOCTYPE"):
        parking.snapshot(b'<!DOCTYPE x [<!ENTITY a "b">]><parkhaeuser/>')
    with pytest.raises(parking.ParkingError, match="cannot be parsed"):
        parking.snapshot(payloads.pls_xml(0)[:500])
