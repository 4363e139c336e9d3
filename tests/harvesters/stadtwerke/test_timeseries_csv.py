"""Time-series CSV reading, on the real Aasee and bicycle-counter samples and broken variants."""
import datetime

import pytest

from ckanext.smartcityms.harvesters.stadtwerke.readers import timeseries_csv
from tests.replay import shared_file

pytestmark = pytest.mark.fast

AASEE = "fixtures/stadtwerke/aasee_monitoring_2026-08_head.csv"
BIKES = "fixtures/stadtwerke/radverkehr_zaehlstelle_100031297_2026-08_head.csv"
PH_RANGE = {"pH-Wert": (6.0, 9.5)}


def test_real_aasee_sample_with_implausible_ph_flagged_not_dropped():
    raw = shared_file(AASEE).read_bytes()
    reading = timeseries_csv.read(raw, plausible=PH_RANGE)
    assert reading.columns == ["Wassertemperatur", "pH-Wert", "Sauerstoffgehalt"]
    # The sample is cut off with a "..." line: reported, not fatal.
    assert reading.problems == ["line 61: no readable time in '...'; row skipped"]
    first = reading.rows[0]
    assert first.timestamp == datetime.datetime(2026, 7, 31, 23, 52)
    assert first.values == {"Wassertemperatur": 25.24, "pH-Wert": 11.5, "Sauerstoffgehalt": 9.57}
    assert first.flags == {"pH-Wert": "outside the plausible range 6.0–9.5"}
    assert len(reading.rows) == len(raw.splitlines()) - 2


def test_real_bicycle_counter_sample():
    reading = timeseries_csv.read(shared_file(BIKES).read_bytes())
    assert reading.columns[0] == "100031297 (Promenade (nördl. Salzstraße))"
    assert reading.rows[0].values["100031297 (Promenade (nördl. Salzstraße))"] == 92


def german_excel_variant():
    """The Aasee sample as a German spreadsheet would save it: Latin-1, semicolons, decimal commas."""
    text = shared_file(AASEE).read_text("utf-8").replace(",", ";").replace(".", ",")
    return text.replace("Sauerstoffgehalt", "Sauerstoffgehalt (mg/l)").encode("latin-1")


@pytest.mark.parametrize("raw", [
    german_excel_variant(),
    b"\xef\xbb\xbf" + shared_file(AASEE).read_bytes(),  # UTF-8 with BOM
])
def test_encodings_separators_and_decimal_commas(raw):
    reading = timeseries_csv.read(raw)
    assert reading.columns[0] == "Wassertemperatur"
    assert reading.rows[0].values["Wassertemperatur"] == 25.24
    assert len(reading.problems) == 1  # the "..." line of the truncated sample


def test_ragged_rows_and_bad_cells_are_reported_per_line():
    raw = (b"Datum,Wassertemperatur,pH-Wert,Sauerstoffgehalt\n"
           b"2026-08-01 00:07,25.21,11.50\n"          # a cell missing
           b"2026-08-01 00:22,25.19,11.50,9.67,99\n"  # an extra cell
           b"gestern,25.18,11.49,9.72\n"              # no time
           b"2026-08-01 00:52,kaputt,11.49,9.70\n")   # not a number
    reading = timeseries_csv.read(raw)
    assert [r.timestamp.minute for r in reading.rows] == [7, 22, 52]
    assert reading.rows[0].values["Sauerstoffgehalt"] is None
    assert reading.rows[2].values["Wassertemperatur"] is None
    assert len(reading.problems) == 4
    assert reading.problems[2] == "line 4: no readable time in 'gestern'; row skipped"


@pytest.mark.parametrize("text, expected", [
    ("25.24", 25.24), ("25,24", 25.24), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("", None), ("n/a", None), ("nan", None), ("inf", None)])
def test_numbers(text, expected):
    assert timeseries_csv.number(text) == expected


def test_a_file_without_header_is_an_error():
    with pytest.raises(ValueError, match="no header"):
        timeseries_csv.read(b"")
