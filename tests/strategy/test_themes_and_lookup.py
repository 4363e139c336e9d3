"""Handlungsfelder and projects from the shipped seed: lookup by any name, EU themes both ways."""
import pytest

from ckanext.smartcityms import strategy
from ckanext.smartcityms.strategy import themes

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("name", ["mobilitaet-verkehr", "Mobilität & Verkehr", "Mobility & Transport",
                                  "mobilitaet", "MOBILITÄT", "http://x.example/vocab/handlungsfelder/mobilitaet-verkehr/"])
def test_a_handlungsfeld_is_found_by_slug_title_alias_or_uri(name):
    assert strategy.handlungsfeld(name)["slug"] == "mobilitaet-verkehr"


@pytest.mark.parametrize("nothing", [None, "", "   ", 42, "kein-handlungsfeld"])
def test_unknown_values_find_nothing(nothing):
    assert strategy.handlungsfeld(nothing) is None
    assert strategy.projekt(nothing) is None


def test_six_handlungsfelder_and_their_projects():
    assert len(strategy.handlungsfelder()) == 6
    assert strategy.projekt("Leezenflow")["slug"] == "leezenflow"


def test_eu_themes_of_handlungsfelder_and_back():
    codes = themes.eu_theme_codes(["mobilitaet-verkehr", "mobilitaet-verkehr", "unbekannt"])
    assert codes and codes == list(dict.fromkeys(codes)) and "TRAN" in codes
    assert themes.eu_theme_uris(["mobilitaet-verkehr"])[0].startswith(themes.EU_DATA_THEMES + "/")
    assert themes.handlungsfelder_of_eu_themes([themes.EU_DATA_THEMES + "/TRAN"]) == ["mobilitaet-verkehr"]
    assert themes.handlungsfelder_of_eu_themes(["XXXX"]) == []
    assert themes.eu_theme_codes(None) == []


def test_the_shipped_seed_is_a_copy_callers_may_change():
    first = strategy.shipped("projekte")
    first["projekte"].clear()
    assert strategy.shipped("projekte")["projekte"]
