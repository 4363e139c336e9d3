"""Spreadsheets (.xlsx, .ods: zip files of XML parts) checked before anything
parses them: no part may declare a DTD or an entity, and the whole must
unpack to a bounded size. openpyxl, which xloader (through tabulator) and
the migration of the old portal read workbooks with, parses the parts with
lxml, which accepts both; an entity-declaring workbook was read without a
word (tests/harvesters/muenster_portal, tests/datastore/test_uploads.py)."""
import io
import zipfile

MAX_UNPACKED = 200 * 1024 * 1024  # bytes of all parts together: no zip bomb
MAX_PARTS = 1000


class UnsafeWorkbook(ValueError):
    """The file is no workbook to parse; the message says why, for an editor or a harvest job."""


def is_zip(head):
    return head.startswith(b"PK\x03\x04")


def refuse_unsafe_parts(source):
    """UnsafeWorkbook unless the workbook (bytes or a binary file) has few parts, a bounded
    unpacked size, and XML parts in UTF-8 without a DTD or entity declaration."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UnsafeWorkbook(f"The file is not a workbook ({error.__class__.__name__}).")
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED:
            raise UnsafeWorkbook(f"The workbook unpacks to more than {MAX_PARTS} parts or "
                                 f"{MAX_UNPACKED // 2**20} MB.")
        for part in parts:
            if not part.filename.endswith((".xml", ".rels")):
                continue
            data = archive.read(part)
            head = data[:200]
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                raise UnsafeWorkbook(f"The workbook part {part.filename[:100]} is not UTF-8 XML.")
            upper = data.upper()
            if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
                raise UnsafeWorkbook(f"The workbook part {part.filename[:100]} declares a DTD or entities, "
                                     "which a spreadsheet never needs; it was not read.")
