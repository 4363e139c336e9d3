"""Resource views for sensor datasets (openSenseMap boxes).

* `smartcityms_sensor_chart`: the last 48 hours of one sensor, read from the
  resource's own CSV URL (so it follows any API base) through the portal
  (`sensor_measurements`): the visitor's browser talks to no other server.
* `smartcityms_sensor_map`: where the box stands. Without a configured tile
  server the portal loads nothing from elsewhere: the view shows the position
  in words and links to maps; with `ckanext.smartcityms.map_tile_url` it
  lays 3 × 3 map tiles around the position and marks it.

Neither is one of the site's `ckan.views.default_views`: the harvesters that
make sensor datasets add them with `add_missing_views`, in the dataset's own
transaction. Through CKAN's default views every view was a separate
`resource_view_create` with its own commit and activity, and each resource a
`resource_view_list` query: about half of the queries and commits of a
harvested box (measured with a query count per dataset).
"""
import json
import math

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib import datapreview

from ckanext.smartcityms.reference.phenomena import phenomenon as find_phenomenon

TILE_ZOOM = 16
VIEW_TYPES = ("smartcityms_sensor_chart", "smartcityms_sensor_map")


def _point(package):
    try:
        geometry = json.loads(package.get("spatial") or "")
        if geometry.get("type") == "Point":
            lon, lat = geometry["coordinates"][:2]
            return float(lon), float(lat)
    except (ValueError, TypeError, AttributeError, KeyError):
        pass
    return None


def tiles_around(lon, lat, zoom=TILE_ZOOM):
    """The 3 × 3 tiles around a position and the marker's pixel offset in that block."""
    n = 2 ** zoom
    x = (lon + 180) / 360 * n
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    cx, cy = int(x), int(y)
    tiles = [(cx + dx, cy + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    return tiles, ((x - cx + 1) * 256, (y - cy + 1) * 256)


class SensorChartView(p.SingletonPlugin):
    p.implements(p.IResourceView, inherit=True)

    def info(self):
        return {"name": "smartcityms_sensor_chart", "title": tk._("Sensor chart"),
                "icon": "chart-line", "default_title": tk._("Last 48 hours"), "iframed": True}

    def can_view(self, data_dict):
        resource = data_dict["resource"]
        return bool(resource.get("sensor_id")) and (resource.get("format") or "").upper() == "CSV"

    def setup_template_variables(self, context, data_dict):
        resource = data_dict["resource"]
        found = find_phenomenon(resource.get("phenomenon") or "")
        return {"chart_url": tk.url_for("smartcityms_sensor_measurements.measurements", resource_id=resource["id"]),
                "chart_unit": found["unit"] if found else ""}

    def view_template(self, context, data_dict):
        return "sensor_chart.html"


class SensorMapView(p.SingletonPlugin):
    p.implements(p.IResourceView, inherit=True)

    def info(self):
        return {"name": "smartcityms_sensor_map", "title": tk._("Sensor location"),
                "icon": "location-dot", "default_title": tk._("Location"), "iframed": True}

    def can_view(self, data_dict):
        resource, package = data_dict["resource"], data_dict["package"]
        # The resource that is the sensor station itself: its URL is the dataset's identifier.
        identifier = (package.get("identifier") or "").rstrip("/")
        return (bool(package.get("sensor_exposure")) and _point(package) is not None
                and bool(identifier) and (resource.get("url") or "").rstrip("/") == identifier)

    def setup_template_variables(self, context, data_dict):
        lon, lat = _point(data_dict["package"])
        tile_url = tk.config.get("ckanext.smartcityms.map_tile_url")
        variables = {"lon": lon, "lat": lat, "tiles": [], "marker": None,
                     "map_attribution": tk.config.get("ckanext.smartcityms.map_attribution")}
        if tile_url:
            tiles, marker = tiles_around(lon, lat)
            variables["tiles"] = [tile_url.format(z=TILE_ZOOM, x=x, y=y) for x, y in tiles]
            variables["marker"] = marker
        return variables

    def view_template(self, context, data_dict):
        return "sensor_map.html"


def add_missing_views(package):
    """Give each resource of `package` (a package_show dict) the sensor views
    that fit it and it does not have yet; returns how many were added.

    The rows are added to the session for the caller to commit. Views of
    types whose plugin is not enabled are not made.
    """
    resources = [r for r in package.get("resources") or [] if r.get("id")]
    plugins = datapreview.get_view_plugins(list(VIEW_TYPES))
    if not resources or not plugins:
        return 0
    rows = model.Session.query(model.ResourceView.resource_id, model.ResourceView.view_type,
                               model.ResourceView.order).filter(
        model.ResourceView.resource_id.in_([r["id"] for r in resources])).all()
    existing = {(row.resource_id, row.view_type) for row in rows}
    next_order = {}
    for row in rows:
        next_order[row.resource_id] = max(next_order.get(row.resource_id, 0), row.order + 1)
    added = 0
    for resource in resources:
        for plugin in plugins:
            info = plugin.info()
            if (resource["id"], info["name"]) in existing or not plugin.can_view(
                    {"resource": resource, "package": package}):
                continue
            order = next_order.get(resource["id"], 0)
            next_order[resource["id"]] = order + 1
            model.Session.add(model.ResourceView(
                resource_id=resource["id"], view_type=info["name"], title=str(info["default_title"]),
                description="", order=order, config={}))
            added += 1
    return added
