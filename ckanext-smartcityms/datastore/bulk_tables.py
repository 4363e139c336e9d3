"""DataStore tables for feed snapshots and histories, loaded in bulk.

Tables are created through `datastore_create` (so CKAN knows their fields,
primary key and indexes and `datastore_search`/dumps work as usual). Rows are
then written with PostgreSQL COPY into a temporary table and merged with
one INSERT … ON CONFLICT: the same snapshot loaded twice changes nothing,
a corrected value replaces the old one, and the whole load is one
transaction, so a failed load leaves the table as it was. One
`datastore_upsert` call per snapshot is ~20× slower (bench/datastore_load.py).
"""
import csv
import io

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckanext.datastore.backend.postgres import get_write_engine, identifier, literal_string

from ckanext.smartcityms import cache

CHUNK_ROWS = 50_000


def table_exists(resource_id):
    with get_write_engine().connect() as connection:
        return connection.execute(sa.text("SELECT to_regclass(:name) IS NOT NULL"),
                                  {"name": identifier(resource_id)}).scalar()


def ensure_table(context, resource_id, columns, primary_key, indexes=()):
    """Create the table of `resource_id` if it is missing; `columns` are (name, type) pairs."""
    if table_exists(resource_id):
        return False
    tk.get_action("datastore_create")(dict(context), {
        "resource_id": resource_id, "force": True,
        "fields": [{"id": name, "type": type_} for name, type_ in columns],
        "primary_key": list(primary_key), "indexes": list(indexes)})
    # The DataStore indexes `_full_text` with GiST; keeping that index up to date
    # is most of the cost of a bulk load. GIN answers the same queries and takes
    # batches of rows far faster.
    with get_write_engine().begin() as connection:
        gist = connection.execute(sa.text(
            "SELECT indexname FROM pg_indexes WHERE tablename = :table AND indexdef LIKE '%gist (_full_text)%'"),
            {"table": resource_id}).scalars().all()
        for name in gist:
            connection.execute(sa.text(f"DROP INDEX {identifier(name)}"))
        connection.execute(sa.text(f"CREATE INDEX ON {identifier(resource_id)} USING gin (_full_text)"))
    return True


def _csv_chunks(names, rows):
    buffer, writer, count = io.StringIO(), None, 0
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([row.get(name) if isinstance(row, dict) else row[index]
                         for index, name in enumerate(names)])
        count += 1
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def fts_language():
    """The text search configuration of DataStore full text (ckan.datastore.default_fts_lang)."""
    return tk.config.get("ckan.datastore.default_fts_lang") or "english"


def load(resource_id, columns, rows, primary_key, replace=False):
    """Merge `rows` (dicts or tuples in column order) into the table; returns rows written.

    With `replace`, the table holds exactly `rows` afterwards (a snapshot).
    """
    names = [name for name, _ in columns]
    words = [name for name, type_ in columns if type_ == "text"]
    # Full text of the words only (ids, names, status, notes): numbers and times are
    # found with filters. Given here, it spares the DataStore's per-row trigger;
    # built in the DataStore's language, so that datastore_search's queries meet it.
    full_text = (f"to_tsvector({literal_string(fts_language())}, concat_ws(' ', {', '.join(identifier(n) for n in words)}))"
                 if words else "NULL::tsvector")
    table = identifier(resource_id)
    column_list = ", ".join(identifier(n) for n in names)
    keys = ", ".join(identifier(k) for k in primary_key)
    others = [n for n in names if n not in primary_key]
    update = ", ".join(f"{identifier(n)} = EXCLUDED.{identifier(n)}" for n in [*others, "_full_text"])
    changed = " OR ".join(f"{table}.{identifier(n)} IS DISTINCT FROM EXCLUDED.{identifier(n)}" for n in others)
    # DISTINCT ON: a key twice in one load would make ON CONFLICT DO UPDATE fail.
    merge = (f"INSERT INTO {table} (_full_text, {column_list}) "
             f"SELECT DISTINCT ON ({keys}) {full_text}, {column_list} FROM scms_incoming "
             f"ON CONFLICT ({keys}) " + (f"DO UPDATE SET {update} WHERE {changed}" if others else "DO NOTHING"))
    connection = get_write_engine().raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(f"CREATE TEMP TABLE scms_incoming ON COMMIT DROP AS "
                       f"SELECT {column_list} FROM {table} WITH NO DATA")
        for chunk in _csv_chunks(names, rows):
            cursor.copy_expert(f"COPY scms_incoming ({column_list}) FROM STDIN WITH (FORMAT csv)",
                               io.StringIO(chunk))
        if replace:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(merge)
        written = cursor.rowcount
        # The DataStore caches row counts for datastore_search's `total`; it is stale now.
        cursor.execute("DELETE FROM _table_stats WHERE resource_id = %s", (resource_id,))
        connection.commit()
        if written or replace:
            cache.table_changed(resource_id)  # archives holding the table are out of date
        return written
    except Exception:
        connection.rollback()
        raise
    finally:
        connection.close()


def row_count(resource_id):
    with get_write_engine().connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {identifier(resource_id)}")).scalar()
