"""For developers: the OpenAPI description of the Action API calls a data user
makes (/api/openapi.json) and the quick-start page (/entwickler), whose
examples use real datasets of the running portal."""
import json

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.smartcityms.web.api_description import openapi_description
from ckanext.smartcityms.web.language import page_language
from ckanext.smartcityms.web.theme import page_text

developer = Blueprint("smartcityms_developer", __name__)
# what the page's examples fall back to on an empty portal
PLACEHOLDER_DATASET = "<dataset-name>"
PLACEHOLDER_RESOURCE = "<resource-id>"


@developer.route("/api/openapi.json")
def openapi_json():
    return Response(json.dumps(openapi_description(), ensure_ascii=False, indent=1),
                    mimetype="application/json", headers={"Cache-Control": "public, max-age=300",
                                                          "Access-Control-Allow-Origin": "*"})


def examples(context):
    """A public dataset, preferably one with a DataStore table, and that table's resource id."""
    found = tk.get_action("package_search")(dict(context), {"q": "*:*", "rows": 50, "sort": "metadata_modified desc"})
    dataset, resource = None, None
    for candidate in found["results"]:
        table = next((r for r in candidate.get("resources", []) if r.get("datastore_active")), None)
        if table:
            dataset, resource = candidate, table
            break
        dataset = dataset or candidate
    return {
        "dataset": dataset["name"] if dataset else PLACEHOLDER_DATASET,
        "resource": resource["id"] if resource else PLACEHOLDER_RESOURCE,
        "handlungsfeld": ((dataset or {}).get("handlungsfeld") or ["mobilitaet-verkehr"])[0],
    }


@developer.route("/entwickler")
def page():
    language = "en" if page_language() == "en" else "de"
    values = examples({"user": tk.g.user})
    values["site"] = tk.config.get("ckan.site_url", "").rstrip("/")
    text = page_text("developers", language)
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return tk.render("smartcityms/static_page.html", {"page": "developer", "text": text,
                                                      "page_url": tk.h.url_for("smartcityms_developer.page")})


@developer.route("/entwickler/api")
def explorer():
    """The API explorer: one form per operation of the OpenAPI description, sent
    by the browser to the Action API (no scripts, nothing loaded from elsewhere)."""
    description = openapi_description()
    operations = []
    for path, item in description["paths"].items():
        get = item.get("get")
        if get is None:  # the explorer sends forms by GET; a POST-only action is described, not offered
            continue
        operations.append({
            "id": get["operationId"], "summary": get.get("summary", ""),
            "description": get.get("description", ""),
            "action": tk.h.url_for("api.action", ver=3, logic_function=path.strip("/")),
            "parameters": [{
                "name": p["name"], "required": bool(p.get("required")),
                "type": (p.get("schema") or {}).get("type", "string"),
                "example": p.get("example", ""), "description": p.get("description", ""),
            } for p in get.get("parameters", [])],
        })
    return tk.render("smartcityms/api_explorer.html", {"operations": operations,
                                                       "examples": examples({"user": tk.g.user})})
