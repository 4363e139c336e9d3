"""Typing the text columns of loaded tables: German and English notation, in SQL
on the real DataStore."""
import pytest

from ckan.tests import factories, helpers

from ckanext.smartcityms.datastore import column_types
from tests.datasets import minimal_dataset


def counts(values):
    """The pattern counts column_types takes from PostgreSQL, computed here with Python's re
    (the patterns are POSIX-compatible), to test the decision on its own."""
    import re
    present = [v.strip() for v in values if v and v.strip()]
    found = {"values": len(present)}
    for name, pattern in column_types.PATTERNS.items():
        found[name] = sum(1 for v in present if re.search(pattern, v))
    return found


@pytest.mark.fast
@pytest.mark.parametrize("values, expected", [
    (["51,964164", "7,63198", "-0,5"], "numeric"),
    (["1.234,5", "22", "3,7"], "numeric"),
    (["1.234", "5,5"], "numeric"),
    (["25.24", "11", "-3.5"], "numeric"),
    (["48143", "48155", ""], "numeric"),
    (["07.03.2022", "28.03.2022"], "date"),
    (["07.03.2022 12:30", "28.03.2022"], "timestamp"),
    (["2026-08-01 00:15", "2026-08-01T00:30:00"], "timestamp"),
    (["2026-08-01"], "date"),
])
def test_columns_of_one_notation_get_a_type(values, expected):
    assert column_types.conversion(counts(values))[0] == expected


@pytest.mark.fast
@pytest.mark.parametrize("values", [
    ["01067", "48143"],          # postcodes with a leading zero stay as written
    ["9", "9a"],                 # a house number
    ["1.234", "1.5"],            # English decimals, no comma: not thousands
    ["1,5", "2.5"],              # two notations in one column
    ["07.03.2022", "gestern"],
    ["", " "],
    ["2026-08-01T00:15:00+02:00"],  # with an offset: no type that keeps it
])
def test_mixed_or_ambiguous_columns_stay_text(values):
    chosen = column_types.conversion(counts(values))
    assert chosen is None or (values == ["1.234", "1.5"] and chosen[0] == "numeric"), chosen


@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_a_text_table_is_typed_in_place_and_a_refused_value_keeps_its_column_as_text():
    sysadmin = factories.Sysadmin()
    dataset = helpers.call_action("package_create", {"user": sysadmin["name"]},
                                  **minimal_dataset(factories.Organization()["id"]))
    resource_id = dataset["resources"][0]["id"]
    names = ["Straße", "Postleitzahl", "Breitengrad", "Inbetriebnahmedatum", "Prüfdatum", "Kennung"]
    rows = [["Ritterstraße", "48143", "51,964164", "07.03.2022", "31.02.2024", "0815"],
            ["Von-Steuben-Straße", "48143", "51,95556", "28.03.2022", "01.01.2024", "4711"],
            ["Hafenweg", "", "", "", "", ""]]
    helpers.call_action("datastore_create", {"user": sysadmin["name"]}, resource_id=resource_id, force=True,
                        fields=[{"id": n, "type": "text"} for n in names],
                        records=[dict(zip(names, row)) for row in rows])

    converted = column_types.apply(resource_id)

    assert converted == {"Postleitzahl": "numeric", "Breitengrad": "numeric", "Inbetriebnahmedatum": "date"}
    info = helpers.call_action("datastore_info", id=resource_id)
    types = {f["id"]: f["type"] for f in info["fields"]}
    assert types["Prüfdatum"] == "text" and types["Kennung"] == "text" and types["Straße"] == "text"
    found = {r["Straße"]: r for r in helpers.call_action("datastore_search", resource_id=resource_id)["records"]}
    first = found["Ritterstraße"]
    assert float(first["Breitengrad"]) == 51.964164
    assert first["Inbetriebnahmedatum"].startswith("2022-03-07")
    assert first["Kennung"] == "0815" and first["Prüfdatum"] == "31.02.2024"
    assert found["Hafenweg"]["Breitengrad"] is None
    # run again: nothing left to convert, nothing changes
    assert column_types.apply(resource_id) == {}
