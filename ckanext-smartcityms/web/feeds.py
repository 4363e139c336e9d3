"""GeoJSON of a DataStore table with lon/lat columns (the stops of a GTFS feed).

Read through `datastore_search`, so the table's access rules apply; page by
page, so a large table is not loaded at once into one answer of the DataStore.
"""
import json

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

feeds = Blueprint("smartcityms_feeds", __name__)
PAGE = 5000


@feeds.route("/stadtwerke/geojson/<resource_id>")
def geojson(resource_id):
    search = tk.get_action("datastore_search")
    try:
        features, offset = [], 0
        while True:
            page = search({}, {"resource_id": resource_id, "limit": PAGE, "offset": offset,
                               "sort": "_id", "include_total": False})
            for record in page["records"]:
                if record.get("lon") is None or record.get("lat") is None:
                    continue
                properties = {k: v for k, v in record.items() if k not in ("_id", "lon", "lat")}
                features.append({"type": "Feature", "properties": properties,
                                 "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]}})
            if len(page["records"]) < PAGE:
                break
            offset += PAGE
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ValidationError:
        return tk.abort(404, tk._("Resource not found"))
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return Response(body, mimetype="application/geo+json",
                    headers={"Content-Disposition": f'inline; filename="{resource_id}.geojson"'})
