"""Spreadsheets checked before anything parses them (datastore/workbooks.py)."""
import io
import zipfile

import pytest

from ckanext.smartcityms.datastore import workbooks

pytestmark = pytest.mark.fast


def workbook(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as written:
        for name, data in parts.items():
            written.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("part, message", [
    (b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1/x.dtd"><x/>', "declares a DTD"),
    (b'<?xml version="1.0"?><!doctype x [<!entity a "a">]><x/>', "declares a DTD"),
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16"), "not UTF-8"),
])
def test_xml_parts_with_a_dtd_or_in_another_encoding_are_refused(part, message):
    with pytest.raises(workbooks.UnsafeWorkbook, match=message):
        workbooks.refuse_unsafe_parts(workbook({"xl/workbook.xml": part}))


def test_a_workbook_that_unpacks_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(workbooks, "MAX_UNPACKED", 1000)
    with pytest.raises(workbooks.UnsafeWorkbook, match="unpacks to more than"):
        workbooks.refuse_unsafe_parts(workbook({"xl/sharedStrings.xml": b"<sst/>" + b" " * 5000}))


def test_an_ordinary_workbook_and_text_that_mentions_a_doctype_pass():
    workbooks.refuse_unsafe_parts(workbook({"xl/sharedStrings.xml": b"<sst><t>&lt;!DOCTYPE html&gt;</t></sst>"}))
    assert workbooks.is_zip(b"PK\x03\x04...") and not workbooks.is_zip(b"Zeit;Wert")
