"""GeoJSON of a DataStore table with lon/lat columns (the stops of a GTFS feed).

Only for tables that have numeric `lon` and `lat` columns, and only for
those a visitor may read (`datastore_search`'s access rule). Rows are read
in pages by their `_id` (never OFFSET), written out as they come (the answer
is streamed, not held in memory), and at most MAX_FEATURES of them: a
larger table says so in the answer (`truncated`). Answers may be cached for
CACHE_SECONDS.
"""
import json

import sqlalchemy as sa
from flask import Blueprint, Response, stream_with_context

import ckan.plugins.toolkit as tk

feeds = Blueprint("smartcityms_feeds", __name__)
PAGE = 5000
MAX_FEATURES = 50_000
CACHE_SECONDS = 300
NUMERIC = {"numeric", "float", "float8", "float4", "int", "int4", "int8", "int2"}


def _coordinate_table(resource_id):
    """404/403 unless the resource is a readable DataStore table with numeric lon/lat columns."""
    try:  # datastore_search checks the visitor's access to the table
        info = tk.get_action("datastore_search")({}, {
            "resource_id": resource_id, "limit": 0, "include_total": False})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ValidationError:
        return tk.abort(404, tk._("Resource not found"))
    types = {field["id"]: field.get("type") for field in info.get("fields", [])}
    if types.get("lon") not in NUMERIC or types.get("lat") not in NUMERIC:
        return tk.abort(404, tk._("This table has no coordinates"))
    return [name for name in types if name not in ("_id", "_full_text")]


def _features(resource_id, columns):
    from ckanext.datastore.backend.postgres import get_read_engine, identifier
    properties = [c for c in columns if c not in ("lon", "lat")]
    select = ", ".join(identifier(c) for c in ["_id", "lon", "lat", *properties])
    query = sa.text(f"SELECT {select} FROM {identifier(resource_id)} "
                    "WHERE _id > :after AND lon IS NOT NULL AND lat IS NOT NULL ORDER BY _id LIMIT :page")
    after, sent = 0, 0
    with get_read_engine().connect() as connection:
        while sent < MAX_FEATURES:
            rows = connection.execute(query, {"after": after, "page": min(PAGE, MAX_FEATURES - sent)}).fetchall()
            for row in rows:
                after = row[0]
                yield {"type": "Feature", "properties": dict(zip(properties, row[3:])),
                       "geometry": {"type": "Point", "coordinates": [float(row[1]), float(row[2])]}}
            sent += len(rows)
            if len(rows) < PAGE:
                return
    yield None  # more rows than MAX_FEATURES


@feeds.route("/stadtwerke/geojson/<resource_id>")
def geojson(resource_id):
    columns = _coordinate_table(resource_id)

    def body():
        yield '{"type":"FeatureCollection","features":['
        truncated, first = False, True
        for feature in _features(resource_id, columns):
            if feature is None:
                truncated = True
                break
            yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False, default=str)
            first = False
        yield '],"truncated":' + ("true" if truncated else "false") + "}"

    return Response(stream_with_context(body()), mimetype="application/geo+json", headers={
        "Content-Disposition": f'inline; filename="{resource_id}.geojson"',
        "Cache-Control": f"public, max-age={CACHE_SECONDS}"})
