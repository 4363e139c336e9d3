"""Column types for tables ckanext-xloader loaded as text.

xloader's fast path (PostgreSQL COPY) stores every column as text, and its
type guessing reads numbers and dates only in English notation. Files from
German offices write `51,964164`, `1.234,5` and `07.03.2022`. After a load,
one scan of the table decides per column whether every non-empty value is a
number or a date in one notation; such columns are converted in place with
one `ALTER TABLE` (one rewrite of the table, in SQL, whatever its size).

A column is left as text when any value does not fit, when it has numbers
with leading zeros (postcodes, ids: `01067` must stay `01067`), or when an
editor fixed its type in the Data Dictionary (`type_override`).
Ambiguity is resolved towards the source's own notation: `1.234` is 1234
only in a column that also has decimal commas.
"""
import logging

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckanext.datastore.backend.postgres import get_write_engine, identifier

log = logging.getLogger(__name__)

# PostgreSQL regular expressions, matched against btrim(value)
PATTERNS = {
    "integer": r"^[+-]?(0|[1-9][0-9]*)$",
    "decimal_point": r"^[+-]?[0-9]+\.[0-9]+$",
    "decimal_comma": r"^[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+),[0-9]+$",
    "thousands_dots": r"^[+-]?[1-9][0-9]{0,2}(\.[0-9]{3})+$",
    "german_date": r"^[0-3][0-9]\.[01][0-9]\.[0-9]{4}$",
    "german_datetime": r"^[0-3][0-9]\.[01][0-9]\.[0-9]{4},? [0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$",
    "iso_date": r"^[0-9]{4}-[01][0-9]-[0-3][0-9]$",
    "iso_datetime": r"^[0-9]{4}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
}


def _value(column):
    return f"NULLIF(btrim({identifier(column)}), '')"


def conversion(counts):
    """(CKAN type, SQL expression template with {v}) for a column's pattern counts, or None.

    `counts` has the number of non-empty values (`values`) and of values
    matching each of PATTERNS."""
    n = counts["values"]
    if not n:
        return None
    c = counts
    if c["integer"] + c["decimal_point"] == n:
        return "numeric", "{v}::numeric"
    if c["decimal_comma"] and c["integer"] + c["decimal_comma"] + c["thousands_dots"] == n:
        return "numeric", "replace(replace({v}, '.', ''), ',', '.')::numeric"
    if c["german_date"] == n:
        return "date", "to_date({v}, 'DD.MM.YYYY')"
    if c["german_date"] + c["german_datetime"] == n:
        return "timestamp", "to_timestamp(replace({v}, ',', ''), 'DD.MM.YYYY HH24:MI:SS')::timestamp"
    if c["iso_date"] == n:
        return "date", "{v}::date"
    if c["iso_date"] + c["iso_datetime"] == n:
        return "timestamp", "{v}::timestamp"
    return None


def _text_columns(resource_id):
    info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    return [field["id"] for field in info.get("fields", [])
            if field.get("type") == "text" and not field["id"].startswith("_")
            and not (field.get("info") or {}).get("type_override")]


def _counts(connection, resource_id, columns):
    selects = []
    for index, column in enumerate(columns):
        value = _value(column)
        selects.append(f"count({value}) AS c{index}_values")
        for name, pattern in PATTERNS.items():
            selects.append(f"count(*) FILTER (WHERE {value} ~ '{pattern}') AS c{index}_{name}")
    row = connection.execute(sa.text(
        f"SELECT {', '.join(selects)} FROM {identifier(resource_id)}")).mappings().one()
    return [{key: row[f"c{index}_{key}"] for key in ("values", *PATTERNS)}
            for index in range(len(columns))]


def _alter(connection, resource_id, changes):
    clauses = [f"ALTER COLUMN {identifier(column)} TYPE {type_} USING {template.format(v=_value(column))}"
               for column, (type_, template) in changes.items()]
    connection.execute(sa.text(f"ALTER TABLE {identifier(resource_id)} {', '.join(clauses)}"))


def apply(resource_id):
    """Convert the text columns of `resource_id` that hold only numbers or dates; {column: type}."""
    columns = _text_columns(resource_id)
    if not columns:
        return {}
    engine = get_write_engine()
    with engine.connect() as connection:
        counts = _counts(connection, resource_id, columns)
    changes = {}
    for column, found in zip(columns, counts):
        chosen = conversion(found)
        if chosen:
            changes[column] = chosen
    if not changes:
        return {}
    try:
        with engine.begin() as connection:
            _alter(connection, resource_id, changes)
    except sa.exc.DBAPIError as error:
        # A value the patterns let through but PostgreSQL refuses (31.02.2024):
        # convert the columns one by one and keep the refused one as text.
        log.info("Converting the columns of %s together failed (%s); one by one",
                 resource_id, str(error.orig).splitlines()[0])
        for column in list(changes):
            try:
                with engine.begin() as connection:
                    _alter(connection, resource_id, {column: changes[column]})
            except sa.exc.DBAPIError:
                changes.pop(column)
    return {column: type_ for column, (type_, _template) in changes.items()}
