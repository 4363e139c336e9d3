"""Requests that made CKAN answer 500 instead of saying what was wrong
(issue 28, findings 6 and 9).

* A JSON body nested deeper than MAX_JSON_DEPTH is refused with a 400 before
  anything parses it (1,000 levels exhausted Python's recursion limit).
* An organization or group page whose search Solr cannot read rendered a
  template without `search_facets` (CKAN's view leaves it out on a search
  error); templates get an empty one by default.
* A 405 names the methods the address does allow (`Allow`, RFC 9110).
"""
import json
import re

from flask import Response, request
from werkzeug.exceptions import MethodNotAllowed

MAX_JSON_DEPTH = 64
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text):
    """How deeply `text` (JSON) nests arrays and objects; strings are skipped."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _refuse_deep_json():
    if request.mimetype != "application/json" or not request.content_length:
        return None
    text = request.get_data(cache=True, as_text=True)
    if json_depth(text) <= MAX_JSON_DEPTH:
        return None
    message = f"The JSON body nests more than {MAX_JSON_DEPTH} levels deep."
    body = {"success": False, "error": {"__type": "Validation Error", "message": message}}
    return Response(json.dumps(body), status=400, mimetype="application/json")


def _template_defaults():
    return {"search_facets": {}}


def _allow_header(response):
    error = request.routing_exception
    if response.status_code == 405 and "Allow" not in response.headers \
            and isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def install(app):
    app.before_request(_refuse_deep_json)
    app.context_processor(_template_defaults)
    app.after_request(_allow_header)
