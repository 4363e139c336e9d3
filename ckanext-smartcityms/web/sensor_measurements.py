"""The measurements a sensor chart draws, read through the portal.

The chart used to fetch them in the visitor's browser straight from the
resource's URL (the openSenseMap API): every page view sent the visitor's
address to another server without consent, a slow source broke the chart,
and the page's policy could not say `connect-src 'self'` (issue 28, finding
8). Now the portal asks the source, through the guarded client (purpose
`sensor_chart`), and only for the URL of a resource the visitor may read
that is a sensor's CSV: the endpoint is no open proxy. Answers are kept a
minute (cache.SENSOR_MEASUREMENTS), so visitors cost the source at most one
request a minute per sensor.
"""
import hashlib

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cache
from ckanext.smartcityms.outbound import http

sensor_measurements = Blueprint("smartcityms_sensor_measurements", __name__)
CACHE_SECONDS = 60
TIMEOUT_SECONDS = 15
MAX_BYTES = 5 * 1024 * 1024


def chart_resource(resource_id):
    """The resource if the visitor may read it and it is a sensor's CSV; 404/403 otherwise."""
    try:
        resource = tk.get_action("resource_show")({}, {"id": resource_id})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    if not resource.get("sensor_id") or (resource.get("format") or "").upper() != "CSV":
        return tk.abort(404, tk._("This resource has no sensor measurements"))
    return resource


@sensor_measurements.route("/sensor-measurements/<resource_id>")
def measurements(resource_id):
    resource = chart_resource(resource_id[:100])
    url = resource.get("url") or ""
    name = hashlib.sha256(f"{resource['id']} {url}".encode()).hexdigest()
    body = cache.SENSOR_MEASUREMENTS.get(name)
    if body is None:
        try:
            answer = http.fetch_response(url, purpose=http.SENSOR_CHART, timeout=TIMEOUT_SECONDS,
                                         max_bytes=MAX_BYTES, headers={"Accept": "text/csv"})
        except http.FetchError:
            return tk.abort(502, tk._("The source of the measurements did not answer"))
        if answer.status >= 400:
            return tk.abort(502, tk._("The source of the measurements answered with an error"))
        body = answer.body
        cache.SENSOR_MEASUREMENTS.set(name, body, CACHE_SECONDS)
    return Response(body, mimetype="text/csv",
                    headers={"Cache-Control": f"private, max-age={CACHE_SECONDS}"})
