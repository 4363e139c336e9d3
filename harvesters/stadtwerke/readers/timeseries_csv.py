"""Reading the city's monthly time-series CSV files (Aasee monitoring, bicycle counters).

Real files vary: UTF-8 or Latin-1, with or without a byte-order mark, comma
or semicolon separators, decimal points or commas, rows with missing or
extra cells. `read` turns any of them into rows of (timestamp, {column: value})
and reports every problem per line instead of failing the file; values
outside a plausible range are kept and flagged, never dropped (the Aasee
pH sensor reported 10.6–11.5 in August 2026, an instrument problem that
users must see, not a gap).
"""
import csv
import datetime
import io
import math
from dataclasses import dataclass, field

from ckanext.smartcityms.harvesters.stadtwerke.readers import bounded_csv

TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M")


@dataclass
class Row:
    timestamp: datetime.datetime
    values: dict
    flags: dict = field(default_factory=dict)  # column -> reason the value is implausible


@dataclass
class Reading:
    columns: list
    rows: list
    problems: list  # "line N: …" messages for the harvest job


def decode(raw):
    """Text from bytes: UTF-8 (with or without BOM), else Latin-1 (which cannot fail)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def number(text):
    """A float from '25.24', '25,24', ' 1.234,5 ' or '1,234.5'; None for empty or not a number."""
    text = (text or "").strip()
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def timestamp(text):
    text = (text or "").strip()
    for fmt in TIMESTAMP_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def read(raw, plausible=None):
    """Parse a time-series CSV. `plausible` maps a column name to (low, high)."""
    text = decode(raw)
    # Judged by the header: in data rows, decimal commas would count as separators.
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    try:
        lines = list(bounded_csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:  # a field over csv's size limit, a stray quote or line end
        raise ValueError(f"the CSV cannot be read ({error})")
    if not lines or len(lines[0]) < 2:
        raise ValueError("the file has no header with a time column and at least one value column")
    header = [name.strip() for name in lines[0]]
    columns = header[1:]
    rows, problems = [], []
    for number_, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        when = timestamp(cells[0])
        if when is None:
            problems.append(f"line {number_}: no readable time in {cells[0][:40]!r}; row skipped")
            continue
        if len(cells) != len(header):
            problems.append(f"line {number_}: {len(cells)} cells instead of {len(header)}; "
                            "missing values left empty, extra cells ignored")
        values, flags = {}, {}
        for index, column in enumerate(columns, start=1):
            cell = cells[index] if index < len(cells) else ""
            value = number(cell)
            if value is None and cell.strip():
                problems.append(f"line {number_}: {column} {cell.strip()[:20]!r} is not a number; left empty")
            values[column] = value
            low, high = (plausible or {}).get(column, (None, None))
            if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
                flags[column] = f"outside the plausible range {low}–{high}"
        rows.append(Row(when, values, flags))
    return Reading(columns, rows, problems)
