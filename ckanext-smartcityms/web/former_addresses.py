"""Old addresses keep working: a dataset migrated from the old portal answers
at its old address with a permanent redirect (301) to its new one.

* `/dataset/<old slug>`: the old portal's slugs hold umlauts and ß
  (`unfälle-im-regierungsbezirk-münster`, percent-encoded or not); the new
  names are transliterated. When CKAN's page answers 404 for that name, the
  dataset whose `former_names` hold it is looked for.
* `/node/<Node-ID>`: the old portal's node paths, by `former_node_id`.

Only active, public datasets are redirected to; the rest answers 404 as
before (a private dataset's existence is not confirmed).
"""
import json

from flask import Blueprint, redirect, request

import ckan.model as model
import ckan.plugins.toolkit as tk

former_addresses = Blueprint("smartcityms_former_addresses", __name__)
SLUG_MAX = 300
# CKAN's dataset page, and ckanext-dcat's, which takes it over with content negotiation on
DATASET_PAGES = {"dataset.read", "dcat.read_dataset"}


def _public(query):
    return query.filter(model.Package.state == "active", model.Package.private.is_(False),
                        model.Package.type == "dataset")


def by_former_name(slug):
    """The active public dataset whose former names hold `slug`, or None."""
    if not slug or len(slug) > SLUG_MAX:
        return None
    needle = json.dumps(slug)  # as it stands in the stored JSON list (smartcityms_text_list)
    candidates = _public(model.Session.query(model.Package)).filter(
        model.Package.extras["former_names"].astext.contains(needle, autoescape=True)).limit(5)
    return next((p for p in candidates if slug in json.loads(p.extras.get("former_names") or "[]")), None)


def by_former_node(node_id):
    if not node_id.isdigit() or len(node_id) > 20:
        return None
    return _public(model.Session.query(model.Package)).filter(
        model.Package.extras["former_node_id"].astext == node_id).first()


def _to(package):
    return redirect(tk.h.url_for("dataset.read", id=package.name), code=301)


@former_addresses.route("/node/<node_id>")
def node(node_id):
    package = by_former_node(node_id)
    return _to(package) if package is not None else tk.abort(404, tk._("Dataset not found"))


def _redirect_old_slug(response):
    """After CKAN's dataset page answered 404: a name that is a former one leads to the dataset.
    (After, not before: a dataset page that exists costs no extra query.)"""
    if response.status_code != 404 or request.endpoint not in DATASET_PAGES:
        return response
    slug = (request.view_args or {}).get("id") or (request.view_args or {}).get("_id") or ""
    package = by_former_name(slug)
    return _to(package) if package is not None else response


def install(app):
    app.after_request(_redirect_old_slug)
    return app
