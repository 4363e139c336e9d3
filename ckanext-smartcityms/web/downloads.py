"""Bulk download pages: the overview (/download), one page per archive with its
state and a button that asks for it, the archive files and the catalogue dumps.

Asking for an archive is a POST (a form with CSRF token, or the Action API):
crawlers following every dataset's download link must not make the worker
build thousands of archives.
"""
from flask import Blueprint, Response, redirect, request, send_file

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import strategy
from ckanext.smartcityms.downloads import catalogue_dump, jobs, scope as scopes, store

downloads = Blueprint("smartcityms_downloads", __name__)
DUMP_TYPES = {"jsonl": "application/x-ndjson", "ttl": "text/turtle"}
KEY_LIMIT = 200


@downloads.errorhandler(store.NotConfigured)
def _not_configured(_error):
    # A response, not tk.abort: an exception raised inside an error handler is not handled again.
    return Response(tk._("Bulk downloads are not configured on this portal."), status=503,
                    mimetype="text/plain")


def _scope_or_404(kind, key):
    if kind not in scopes.KINDS or len(key) > KEY_LIMIT:
        return tk.abort(404, tk._("Archive not found"))
    try:
        return scopes.resolve(kind, key)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Archive not found"))


@downloads.route("/download")
def overview():
    store.directory()
    dump = store.state(catalogue_dump.NAME)
    organizations = tk.get_action("organization_list")({}, {"all_fields": True, "limit": 1000})
    return tk.render("smartcityms/downloads.html", {
        "dump": dump, "fields": strategy.handlungsfelder(),
        "organizations": [o for o in organizations if o.get("package_count")]})


@downloads.route("/download/<kind>/<key>", methods=["GET", "POST"])
def archive_page(kind, key):
    store.directory()
    try:
        scope = _scope_or_404(kind, key)
        too_many = None
    except scopes.TooManyDatasets as error:
        scope, too_many = None, error.args[0]
    if too_many is not None:
        return tk.render("smartcityms/download.html", {
            "kind": kind, "key": key, "status": None, "scope": None, "too_many": too_many,
            "limit": scopes.max_datasets()})
    if request.method == "POST":
        jobs.request(scope)
        return redirect(tk.h.url_for("smartcityms_downloads.archive_page", kind=scope.kind, key=scope.key), 303)
    return tk.render("smartcityms/download.html", {
        "kind": kind, "key": scope.key, "scope": scope, "status": jobs.status(scope), "too_many": None,
        "limit_mb": scopes.archive_max_bytes() // (1024 * 1024)})


@downloads.route("/download/<kind>/<key>.zip")
def archive_file(kind, key):
    store.directory()
    try:
        scope = _scope_or_404(kind, key)
    except scopes.TooManyDatasets:
        return tk.abort(404, tk._("Archive not found"))
    status = jobs.status(scope)
    if status["state"] != "ready":
        page = tk.h.url_for("smartcityms_downloads.archive_page", kind=scope.kind, key=scope.key)
        if request.accept_mimetypes.best == "text/html":  # a browser: the page offers to build it
            return redirect(page, 303)
        return Response(f"No archive of the current data of {scope.name} is ready (state: {status['state']}). "
                        "Ask for it with the action smartcityms_download_request, or on " + page + "\n",
                        status=404, mimetype="text/plain")
    path = store.directory() / "archives" / status["file"]
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=f"{scope.name}.zip",
                     conditional=True, etag=status["version"], max_age=300)


@downloads.route("/download/catalog.<kind>")
def catalogue_file(kind):
    if kind not in DUMP_TYPES:
        return tk.abort(404)
    path = catalogue_dump.path(kind)
    if not path.is_file():
        catalogue_dump.schedule_rebuild()
        return Response(tk._("The catalogue dump is being built. Please try again in a minute."), status=503,
                        mimetype="text/plain", headers={"Retry-After": "60"})
    return send_file(path, mimetype=DUMP_TYPES[kind], as_attachment=False, download_name=path.name,
                     conditional=True, max_age=300)
