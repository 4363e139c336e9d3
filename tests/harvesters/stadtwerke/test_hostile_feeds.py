"""Hostile or broken feed files end as that feed's error (or a warning), never as another exception."""
import io
import json
import zipfile

import pytest

from ckanext.smartcityms.harvesters.stadtwerke.readers import busradar, geojson_layer, gtfs, parking, timeseries_csv

pytestmark = pytest.mark.fast

GTFS_FILES = {"agency.txt": "agency_name\nStadtwerke\n", "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n1,Dom,51.96,7.62\n",
              "routes.txt": "route_id\n1\n", "trips.txt": "trip_id\n1\n", "stop_times.txt": "trip_id\n1\n"}


def gtfs_zip(files=GTFS_FILES, encrypted=(), compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    raw = bytearray(buffer.getvalue())
    for name in encrypted:  # zipfile writes no encrypted members: set the flag as such a file has it
        for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            start = 0
            while (start := raw.find(signature, start)) != -1:
                if raw[start + name_at:start + name_at + len(name)] == name.encode():
                    raw[start + flag_at] |= 0x1
                start += 4
    return bytes(raw)


def test_a_plain_gtfs_zip_reads():
    assert gtfs.summarise(gtfs_zip()).stops[0].name == "Dom"


@pytest.mark.parametrize("raw, message", [
    (gtfs_zip(encrypted=("stops.txt",)), "encrypted"),
    (gtfs_zip({**GTFS_FILES, "stop_times.txt": "trip_id\n" + "1\n" * 5_000_000}), "compressed more than"),
    (gtfs_zip({**GTFS_FILES, "stops.txt": 'stop_id,stop_name,stop_lat,stop_lon\n1,"' + "x" * 200_000 + '",51,7\n'}),
     "cannot be read"),
    (b"PK\x03\x04" + b"\x00" * 40, "not a readable zip"),
])
def test_hostile_gtfs_zips_are_gtfs_errors(raw, message):
    with pytest.raises(gtfs.GtfsError, match=message):
        gtfs.summarise(raw)


def test_stops_with_impossible_positions_are_left_out_and_reported():
    stops = "stop_id,stop_name,stop_lat,stop_lon\n1,Dom,51.96,7.62\n2,Nirgendwo,nan,inf\n3,Mond,400,7\n"
    summary = gtfs.summarise(gtfs_zip({**GTFS_FILES, "stops.txt": stops}))
    assert [s.stop_id for s in summary.stops] == ["1"]
    assert sum("stops.txt line" in p for p in summary.problems) == 2


PLS = ('<?xml version="1.0" encoding="UTF-8"?>\n<parkhaeuser>{padding}{doctype}<parkhaus><bezeichnung>Parkhaus Theater'
       '</bezeichnung><gesamt>{total}</gesamt><frei>{free}</frei><status>frei</status>'
       '<zeitstempel>01.12.2026 10:00</zeitstempel></parkhaus></parkhaeuser>')


@pytest.mark.parametrize("raw", [
    PLS.replace("<parkhaeuser>", '<!DOCTYPE p [<!ENTITY x "y">]><parkhaeuser>').format(
        padding="", doctype="", total=10, free=5).encode(),
    # A DTD after the first 64 KiB, where a look at the start would miss it.
    PLS.format(padding="<!--" + "x" * 70_000 + "-->", doctype="", total=10, free=5)
    .replace("<parkhaeuser>", "<parkhaeuser>", 1).replace('?>\n', '?>\n<!-- -->\n').encode()
    .replace(b"<parkhaeuser>", b"<!DOCTYPE parkhaeuser SYSTEM 'http://127.0.0.1/x.dtd'><parkhaeuser>"),
    PLS.replace('encoding="UTF-8"', 'encoding="UTF-16"').replace(
        "<parkhaeuser>", '<!DOCTYPE p [<!ENTITY x "y">]><parkhaeuser>').format(
        padding="", doctype="", total=10, free=5).encode("utf-16"),
])
def test_xml_with_a_dtd_anywhere_is_refused(raw):
    with pytest.raises(parking.ParkingError, match="DOCTYPE or entity"):
        parking.snapshot(raw)


def test_overflowing_numbers_in_the_parking_feed_are_warnings_not_crashes():
    raw = PLS.format(padding="", doctype="", total="1e999", free="1e999").encode()
    snapshot = parking.snapshot(raw)
    assert snapshot.problems and all(row.get("frei") is None for row in snapshot.rows)


def test_busradar_values_beyond_any_range_are_left_empty():
    vehicle = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.6, 51.9]},
               "properties": {"fahrzeugid": "4711", "delay": "1e999", "visfahrplanlagezst": 1e300,
                              "linientext": "1"}}
    rows, _problems = busradar.vehicles(json.dumps({"type": "FeatureCollection", "features": [vehicle]}).encode())
    assert rows and rows[0]["verspaetung_s"] is None and rows[0]["stand"] is None


@pytest.mark.parametrize("read, error", [(busradar.vehicles, busradar.BusradarError),
                                         (geojson_layer.describe, geojson_layer.LayerError)])
def test_json_nested_too_deeply_is_the_readers_error(read, error):
    with pytest.raises(error, match="too deeply"):
        read(b"[" * 100_000 + b"]" * 100_000)


def test_a_csv_field_over_the_size_limit_is_a_value_error():
    with pytest.raises(ValueError, match="cannot be read"):
        timeseries_csv.read(b'zeit,wert\n2026-01-01 00:00,"' + b"1" * 200_000 + b'"\n')


def test_the_field_bound_holds_whatever_another_library_set():
    import csv
    import sys
    before = csv.field_size_limit(sys.maxsize)  # as frictionless does when imported
    try:
        with pytest.raises(ValueError, match="cannot be read"):
            timeseries_csv.read(b'zeit,wert\n2026-01-01 00:00,"' + b"1" * 200_000 + b'"\n')
    finally:
        csv.field_size_limit(before)
