"""The OpenAPI description of the Action API calls a data user makes, as the
portal serves it (/api/openapi.json) and enforces it (`api_contract`).

`openapi.yaml` is written for people: each operation once, with the method
a browser or curl uses. What every operation has in common is added here,
so it is said once and can never be forgotten for one operation:

* a read operation (GET) can also be called with POST and a JSON body of the
  same parameters, as CKAN's clients (ckanapi) do;
* every operation may answer 400 (a body that is not JSON, or nested too
  deeply), 403 (not allowed), 404 (not found), 409 (invalid parameters:
  CKAN's validation error), besides what the operation lists itself; a GET
  also 414 (the web server's limit on an address: send long parameters,
  such as SQL, as POST).
"""
import copy
import importlib.resources

import yaml

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cache

COMMON_RESPONSES = {
    "400": "The request body is not JSON, or nests too deeply.",
    "403": "Not allowed for this caller.",
    "404": "A named object does not exist.",
    "409": "A parameter is missing or invalid (`error` names it).",
}


URI_TOO_LONG = "The address is longer than the web server takes; send the parameters as POST with a JSON body."


@cache.shipped
def _written():
    text = importlib.resources.files("ckanext.smartcityms.web").joinpath("openapi.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _body_of(operation):
    """A JSON body schema with the query parameters of a read operation as properties. Where
    the action refuses parameters it does not know (`x-unknown-parameters: refused`, as
    package_search does), the body says so; its `ext_` parameters are for plugins."""
    parameters = operation.get("parameters", [])
    schema = {"type": "object", "properties": {p["name"]: p["schema"] for p in parameters}}
    if operation.get("x-unknown-parameters") == "refused":
        schema.update(additionalProperties=False, patternProperties={"^ext_": {"type": "string", "maxLength": 1000}})
    required = [p["name"] for p in parameters if p.get("required")]
    if required:
        schema["required"] = required
    return {"required": bool(required), "content": {"application/json": {"schema": schema}}}


@cache.shipped
def _complete():
    description = copy.deepcopy(_written())
    for item in description["paths"].values():
        get = item.get("get")
        if get is not None and "post" not in item:
            post = copy.deepcopy(get)
            post["operationId"] = get["operationId"] + "_post"
            post.pop("parameters", None)
            post["requestBody"] = _body_of(get)
            item["post"] = post
        for operation in (item.get("get"), item.get("post")):
            if operation is None:
                continue
            if operation is item.get("get"):
                operation["responses"].setdefault("414", {"description": URI_TOO_LONG})
            for status, text in COMMON_RESPONSES.items():
                operation["responses"].setdefault(
                    status, {"description": text, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Failure"}}}})
    return description


def openapi_description():
    """The complete description with this portal's address as the server."""
    description = copy.deepcopy(_complete())
    site = tk.config.get("ckan.site_url", "").rstrip("/")
    description["servers"] = [{"url": f"{site}/api/3/action"}]
    return description


def operations():
    """{action name: {method (upper case): operation}} of the complete description."""
    return {path.strip("/"): {method.upper(): operation for method, operation in item.items()
                              if method in ("get", "post")}
            for path, item in _complete()["paths"].items()}
