"""The Action API keeps the contract its OpenAPI description states
(`api_description`), for the operations described there.

CKAN's actions take whatever arrives: `rows=93175` past the stated maximum,
strings of any length, a parameter given twice (which became a list and a
500 deep inside datastore_search), POST to an action described for GET
only. Before such a request reaches the action it is answered here, as CKAN
answers its own validation errors (409, the error envelope naming each
parameter), and:

* a parameter's declared type, bounds, length and values are checked
  (query strings are converted first: integers and booleans as written);
* a method the operation does not have is a 405 naming those it has, and
  OPTIONS answers with them (`Allow`).

Actions the description does not name pass untouched: the description is
the part of the API we promise to keep, and the part we hold to it.
"""
import json

import jsonschema
from flask import Response, request

import ckan.plugins.toolkit as tk

from ckanext.smartcityms.web import api_description

API_ENDPOINTS = {"api.action"}
TRUE, FALSE = {"true", "1"}, {"false", "0"}


def _converted(text, schema):
    """A query string value as the declared type wants it; ValueError if it cannot be one."""
    kinds = schema.get("type", "string")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds:
        stripped = text.strip()
        if not stripped.lstrip("-").isdigit() or len(stripped) > 18:
            raise ValueError(tk._("Must be a whole number"))
        return int(stripped)
    if "boolean" in kinds:
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(tk._("Must be true or false"))
    return text


def _checked(name, value, schema, errors):
    try:
        jsonschema.validate(value, schema, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError as error:
        errors[name] = [_sentence(error)]


def _sentence(error):
    bounds = {"maxLength": tk._("At most {limit} characters"), "minLength": tk._("At least {limit} characters"),
              "maximum": tk._("At most {limit}"), "minimum": tk._("At least {limit}")}
    if error.validator in bounds:
        return bounds[error.validator].format(limit=error.validator_value)
    if error.validator == "enum":
        return tk._("One of {values}").format(values=", ".join(str(v) for v in error.validator_value))
    return tk._("Invalid value")


def query_errors(operation):
    errors = {}
    for parameter in operation.get("parameters", []):
        name, schema = parameter["name"], parameter.get("schema", {})
        given = request.args.getlist(name)
        if not given:
            if parameter.get("required"):
                errors[name] = [tk._("Missing value")]
            continue
        if len(given) > 1:
            errors[name] = [tk._("Given more than once")]
            continue
        try:
            _checked(name, _converted(given[0], schema), schema, errors)
        except ValueError as error:
            errors[name] = [str(error)]
    return errors


def body_errors(operation):
    body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body_schema is None:
        return {}
    raw = request.get_data(cache=True, as_text=True)
    if not raw.strip():
        # CKAN also takes form fields and query strings on POST; those are judged as a query
        return {} if not body_schema.get("required") else {
            name: [tk._("Missing value")] for name in body_schema["required"]
            if name not in request.form and name not in request.args}
    body = json.loads(raw)  # ValueError: not JSON, answered with a 400
    if not isinstance(body, dict):
        return {"__body": [tk._("The body must be a JSON object")]}
    errors = {}
    validator = jsonschema.Draft202012Validator(body_schema)
    for error in validator.iter_errors(body):
        if error.validator == "required":
            for name in body_schema.get("required", []):
                if name not in body:
                    errors[name] = [tk._("Missing value")]
        elif error.validator == "additionalProperties":
            for name in body:
                if name not in body_schema.get("properties", {}) and not name.startswith("ext_"):
                    errors[name[:100]] = [tk._("Unknown parameter")]
        elif error.path:
            errors[str(error.path[0])[:100]] = [_sentence(error)]
    return errors


def _answer(status, body, allowed=None):
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _enforce():
    if request.endpoint not in API_ENDPOINTS:
        return None
    action = (request.view_args or {}).get("logic_function")
    described = api_description.operations().get(action)
    if not described:
        return None
    allowed = sorted({*described, "OPTIONS", *(["HEAD"] if "GET" in described else [])})
    if request.method == "OPTIONS":
        return _answer(200, {"success": True, "result": None}, allowed)
    method = "GET" if request.method == "HEAD" else request.method
    operation = described.get(method)
    if operation is None:
        return _answer(405, {"success": False, "error": {
            "__type": "Method Not Allowed", "message": tk._("Use one of: {methods}").format(
                methods=", ".join(allowed))}}, allowed)
    try:
        errors = query_errors(operation) if method == "GET" else body_errors(operation)
    except ValueError:
        # CKAN answers a body that is not JSON with a 400 in plain text; the envelope is the contract
        return _answer(400, {"success": False, "error": {
            "__type": "Bad Request", "message": tk._("The request body is not valid JSON")}})
    if errors:
        return _answer(409, {"success": False, "error": {"__type": "Validation Error", **errors}})
    return None


def install(app):
    app.before_request(_enforce)
    return app
