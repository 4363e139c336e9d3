"""One parse for every harvester's source configuration."""
import json

import pytest

from ckanext.smartcityms.harvesters import dcat_ap_de
from ckanext.smartcityms.harvesters.opensensemap import harvester as opensensemap
from ckanext.smartcityms.harvesters.source_config import SourceConfig
from ckanext.smartcityms.harvesters.stadtwerke import feeds as stadtwerke

pytestmark = pytest.mark.fast

CONFIGS = {"dcat_ap_de_rdf": dcat_ap_de.SOURCE_CONFIG, "opensensemap": opensensemap.SOURCE_CONFIG,
           "stadtwerke_ms": stadtwerke.SOURCE_CONFIG}
VALID = {"dcat_ap_de_rdf": "", "opensensemap": "{}",
         "stadtwerke_ms": json.dumps({"feeds": [{"id": "parken", "kind": "parking",
                                                 "url": "https://example.org/pls.xml"}]})}


def test_defaults_fill_what_is_not_given():
    config = SourceConfig({"a": 1, "b": [2]}).parse('{"a": 5}')
    assert config == {"a": 5, "b": [2]}
    again = SourceConfig({"a": 1, "b": [2]}).parse("")
    again["b"].append(3)
    assert SourceConfig({"a": 1, "b": [2]}).parse(None) == {"a": 1, "b": [2]}


@pytest.mark.parametrize("harvester", sorted(CONFIGS))
@pytest.mark.parametrize("text, message", [
    ("{kein json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"unbekannt": 1}', "Unknown option(s): unbekannt"),
])
def test_every_harvester_refuses_the_same_bad_configurations(harvester, text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        CONFIGS[harvester].parse(text)


@pytest.mark.parametrize("harvester", sorted(CONFIGS))
def test_every_harvester_accepts_its_valid_configuration_unchanged(harvester):
    assert CONFIGS[harvester].validate(VALID[harvester]) == VALID[harvester]


def test_checks_complete_the_values():
    config = opensensemap.SOURCE_CONFIG.parse('{"handlungsfeld": "Umwelt", "exposure": "outdoor"}')
    assert config["handlungsfeld"] == ["umwelt-energie-klima"] and config["exposure"] == ["outdoor"]
    with pytest.raises(ValueError, match="bbox"):
        opensensemap.SOURCE_CONFIG.parse('{"bbox": [8, 52, 7, 51]}')
    with pytest.raises(ValueError, match="default_license"):
        dcat_ap_de.SOURCE_CONFIG.parse('{"default_license": "frei"}')
