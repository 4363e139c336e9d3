"""A DataStore table as CSV with its Table Schema, for archives and dumps.

PostgreSQL's COPY writes the rows straight into the file (no row passes
through Python), in the table's own order (`_id`). Values are written in the
forms a Frictionless reader expects: timestamps in ISO 8601 with a `T`,
booleans as true/false, JSON as JSON; arrays as JSON arrays.
"""
import sqlalchemy as sa

from ckanext.datastore.backend.postgres import get_read_engine, identifier

HIDDEN = {"_id", "_full_text"}
# DataStore (PostgreSQL) type -> Frictionless Table Schema type
TYPES = {
    "text": "string", "varchar": "string", "char": "string", "name": "string", "uuid": "string",
    "int2": "integer", "int4": "integer", "int8": "integer", "int": "integer", "integer": "integer",
    "bigint": "integer", "smallint": "integer",
    "numeric": "number", "float4": "number", "float8": "number", "real": "number", "double precision": "number",
    "bool": "boolean", "boolean": "boolean",
    "timestamp": "datetime", "timestamptz": "datetime", "date": "date", "time": "time",
    "json": "object", "jsonb": "object",
}


class ExportTooLarge(Exception):
    """The table's CSV would exceed the bytes it may take."""


class _Capped:
    """A binary file that refuses to grow beyond `limit` bytes."""

    def __init__(self, target, limit):
        self.target, self.limit, self.written = target, limit, 0

    def write(self, data):
        data = data.encode("utf-8") if isinstance(data, str) else data
        self.written += len(data)
        if self.written > self.limit:
            raise ExportTooLarge(f"more than {self.limit:,} bytes")
        return self.target.write(data)


def columns(resource_id):
    """[(name, DataStore type)] of the table's visible columns, in table order."""
    with get_read_engine().connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT a.attname, format_type(a.atttypid, NULL) AS type, t.typname FROM pg_attribute a "
            "JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = to_regclass(:table) AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attnum"), {"table": identifier(resource_id)}).all()
    if not rows:
        raise LookupError(f"the DataStore has no table for resource {resource_id}")
    return [(name, "_" + typname[1:] if typname.startswith("_") else typname)
            for name, _type, typname in rows if name not in HIDDEN]


def table_schema(resource_id):
    """The Frictionless Table Schema of the CSV that `write_csv` writes."""
    fields = []
    for name, type_ in columns(resource_id):
        if type_.startswith("_"):
            fields.append({"name": name, "type": "array"})
        else:
            fields.append({"name": name, "type": TYPES.get(type_, "string")})
    return {"fields": fields}


def _select_expression(name, type_):
    column = identifier(name)
    if type_.startswith("_") or type_ in ("timestamp", "timestamptz", "json", "jsonb", "bool"):
        # to_json: ISO timestamps with a T, true/false, arrays and JSON as JSON text
        return f"to_json({column}) #>> '{{}}'"
    return column


def write_csv(resource_id, target, max_bytes):
    """Write the table as UTF-8 CSV with a header to the binary file `target`; returns the bytes written.

    Raises ExportTooLarge beyond `max_bytes` (what was written is then incomplete)."""
    table_columns = columns(resource_id)
    select = ", ".join(f"{_select_expression(n, t)} AS {identifier(n)}" for n, t in table_columns)
    capped = _Capped(target, max_bytes)
    connection = get_read_engine().raw_connection()
    try:
        cursor = connection.cursor()
        cursor.copy_expert(f"COPY (SELECT {select} FROM {identifier(resource_id)} ORDER BY _id) "
                           "TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')", capped)
        connection.rollback()
    finally:
        connection.close()
    return capped.written
