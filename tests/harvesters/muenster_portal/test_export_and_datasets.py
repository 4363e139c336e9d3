"""The export read into records, and each record built into a dataset of our
schema with its field report: on the real export, and on broken files."""
import collections
import io
import json
import zipfile

import pytest

from ckanext.smartcityms.harvesters.muenster_portal import datasets, export
from tests.replay import shared_file

pytestmark = pytest.mark.fast
EXPORT = "fixtures/muenster-portal/datensaetze.xlsx"


@pytest.fixture(scope="module")
def records():
    return export.records(shared_file(EXPORT).read_bytes())


def test_the_real_export_is_204_datasets_with_938_resources(records):
    assert len(records) == 204
    assert sum(len(record["resources"]) for record in records) == 938
    assert records[0]["dataset"]["Title"] == "Unfälle im Regierungsbezirk Münster"


def rewritten(member, change):
    """The real export with one file inside the workbook changed."""
    source = zipfile.ZipFile(io.BytesIO(shared_file(EXPORT).read_bytes()))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as written:
        for item in source.infolist():
            data = source.read(item.filename)
            written.writestr(item, change(data) if item.filename == member else data)
    return target.getvalue()


@pytest.mark.parametrize("content, message", [
    (b"kein Excel", "not a workbook"),
    (b"PK\x03\x04kaputt", "not a workbook"),
    (None, "declares a DTD or entities"),
])
def test_a_broken_file_is_a_clear_error(content, message):
    if content is None:  # an entity bomb in the workbook's XML: defusedxml refuses it
        content = rewritten("xl/workbook.xml", lambda data: data.replace(
            b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>', 1))
    with pytest.raises(export.ExportError, match=message):
        export.records(content)


def test_a_workbook_without_the_exports_columns_is_refused():
    import openpyxl
    book = openpyxl.Workbook()
    book.active.append(["Name", "Wert"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(export.ExportError, match="lacks the export's columns Dataset-ID"):
        export.records(buffer.getvalue())


def test_a_record_becomes_a_dataset_of_our_schema(records):
    built = datasets.build(records[0])
    dataset = built.dataset
    assert dataset["name"] == "unfaelle-im-regierungsbezirk-muenster"
    assert built.former_name == "unfälle-im-regierungsbezirk-münster" and built.node_id == "42103"
    assert built.publisher == ("Stadt Münster", "40612")
    assert dataset["notes"].startswith("Dieser Datensatz enthält eine Liste aller Unfälle")
    assert dataset["theme"] == ["http://publications.europa.eu/resource/authority/data-theme/TRAN"]
    assert json.loads(dataset["spatial"])["type"] == "Polygon"
    assert dataset["issued"] == "2024-11-11" and dataset["modified"] == "2025-02-18"
    assert dataset["tags"] == [{"name": "Geo"}] and dataset["contact_email"] == "opendata@citeq.de"
    resource = dataset["resources"][0]
    assert resource["license"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0" and resource["format"] == "CSV"
    assert resource["license_attribution_by_text"] == "Statistische Ämter des Bundes und der Länder"
    assert dataset["private"] is False and built.missing == []
    assert built.report["title"] == "mapped" and built.report["frequency"] == "empty"


def test_every_record_is_built_and_none_goes_out_without_a_licence(records):
    built = [datasets.build(record) for record in records]
    assert len(built) == 204
    for one in built:
        if one.dataset["private"]:
            assert one.missing, one.dataset["name"]
        else:
            assert all(r.get("license") for r in one.dataset["resources"]), one.dataset["name"]
            assert one.dataset["notes"] and one.dataset["resources"]
    services = collections.Counter(r.get("service_type") for one in built for r in one.dataset["resources"])
    assert services["WFS"] >= 108 and services["WMS"] >= 43
    broken = [r for one in built for r in one.dataset["resources"] if r.get("link_broken")]
    assert broken and all(int(r["link_broken"]) >= 400 for r in broken)
    reports = collections.Counter(state for one in built for state in one.report.values())
    assert reports["mapped"] > 204 * 8 and "unsettled" in reports
