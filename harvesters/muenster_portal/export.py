"""The old portal's metadata export (an .xlsx of the city's open data team) as
records: one per dataset, with its resources.

A row with a `Dataset-ID` starts a dataset; it and the rows below it without
one carry the dataset's resources. Bounded: the file's size is capped by the
download, its unpacked size and the rows read here. Every XML part of the
workbook is refused when it declares a DTD or an entity, before openpyxl
sees it: openpyxl's own parser (lxml when installed, as it is with CKAN)
expanded a nested entity declared in `xl/workbook.xml` (the test in
tests/harvesters/muenster_portal shows it). A file that is not such an
export is an ExportError with a sentence for the harvest job.
"""
import io
import zipfile

import openpyxl

MAX_ROWS = 50_000
MAX_UNPACKED = 200 * 1024 * 1024  # bytes of all parts together: no zip bomb
MAX_PARTS = 1000
REQUIRED_COLUMNS = ("Dataset-ID", "Title", "Dataset-Name", "Resource-ID", "Resource-Url", "Format")
TEXT_MAX = 100_000  # characters of one cell (descriptions are the longest)


class ExportError(ValueError):
    """The file is not a readable export of the old portal."""


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)[:TEXT_MAX].strip()


def refuse_unsafe_parts(content):
    """ExportError unless the workbook's parts are few, small enough unpacked, and XML in
    UTF-8 without a DTD or entity declaration."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ExportError(f"The file is not an .xlsx workbook ({error.__class__.__name__}).")
    parts = archive.infolist()
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED:
        raise ExportError(f"The workbook unpacks to more than {MAX_PARTS} parts or {MAX_UNPACKED // 2**20} MB.")
    for part in parts:
        if not part.filename.endswith((".xml", ".rels")):
            continue
        data = archive.read(part)
        head = data[:200]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
            raise ExportError(f"The workbook part {part.filename[:100]} is not UTF-8 XML.")
        if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
            raise ExportError(f"The workbook part {part.filename[:100]} declares a DTD or entities, "
                              "which an export never does; it was not read.")


def records(content):
    """[{"dataset": {column: text}, "resources": [{column: text}, …]}, …] of the export's bytes."""
    refuse_unsafe_parts(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ExportError(f"The file is not an .xlsx workbook ({error.__class__.__name__}).")
    except Exception as error:  # defusedxml's refusals and openpyxl's own parse errors
        raise ExportError(f"The workbook could not be read ({error.__class__.__name__}: {str(error)[:200]}).")
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_text(cell) for cell in next(rows, ())]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise ExportError(f"The workbook lacks the export's columns {', '.join(missing)}.")
        found, current = [], None
        for number, row in enumerate(rows, start=2):
            if number > MAX_ROWS:
                raise ExportError(f"The workbook has more than {MAX_ROWS:,} rows.")
            cells = dict(zip(header, (_text(cell) for cell in row)))
            if cells.get("Dataset-ID"):
                current = {"dataset": cells, "resources": []}
                found.append(current)
            elif current is None:
                continue  # resource rows before the first dataset belong to none
            if cells.get("Resource-ID") or cells.get("Resource-Url"):
                current["resources"].append(cells)
        return found
    finally:
        workbook.close()
