"""The old portal's metadata export (an .xlsx of the city's open data team) as
records: one per dataset, with its resources.

A row with a `Dataset-ID` starts a dataset; it and the rows below it without
one carry the dataset's resources. Bounded: the file's size is capped by the
download, its unpacked size and the rows read here. Every XML part of the
workbook is refused when it declares a DTD or an entity, before openpyxl
sees it (openpyxl's parser, lxml, accepts both). A file that is not such an
export is an ExportError with a sentence for the harvest job. The check of
the parts is the core's (datastore.workbooks), which also guards uploads.
"""
import io
import zipfile

import openpyxl

from ckanext.smartcityms.datastore import workbooks

MAX_ROWS = 50_000
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


def records(content):
    """[{"dataset": {column: text}, "resources": [{column: text}, …]}, …] of the export's bytes."""
    try:
        workbooks.refuse_unsafe_parts(content)
    except workbooks.UnsafeWorkbook as error:
        raise ExportError(str(error))
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
