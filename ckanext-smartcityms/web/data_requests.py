"""Datenwünsche pages: the public list (status filter, Atom feed), the form
anyone may send, a request's page (with the answer form for editors), and
the page where a requester deletes their contact with their key.

The form carries a signed time stamp: one sent back sooner than a person can
fill it in is refused (data_request_min_form_seconds). Everything else,
including the rate limit and the spam check, is the action's, so the form
and the Action API refuse the same requests with the same messages.
"""
import time

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, redirect, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import strategy
from ckanext.smartcityms.data_requests import actions as data_request_actions
from ckanext.smartcityms.data_requests.model import STATUSES

data_requests = Blueprint("smartcityms_data_requests", __name__)
PER_PAGE = 20
FEED_ENTRIES = 50
FORM_FIELDS = ("title", "description", "intended_use", "contact_name", "contact_email", "website")


def _context():
    return {"user": tk.g.user} if getattr(tk.g, "user", None) else {}


def _signer():
    return URLSafeTimedSerializer(tk.config.get("SECRET_KEY") or "", salt="smartcityms-data-request-form")


def _form_too_fast(stamp):
    """An error message when the form came back too soon (or without a valid stamp)."""
    try:
        shown = _signer().loads(stamp or "", max_age=86400)
    except BadSignature:
        return tk._("The form has expired. Please send it again.")
    if time.time() - float(shown) < tk.config.get("ckanext.smartcityms.data_request_min_form_seconds"):
        return tk._("The form was sent back faster than a person can fill it in. Please send it again.")
    return None


def _status_labels():
    return {"open": tk._("Open"), "in_progress": tk._("In progress"), "published": tk._("Published"),
            "declined": tk._("Declined")}


def _render(template, **extra):
    return tk.render(template, {"status_labels": _status_labels(), "statuses": STATUSES,
                                "may_answer": data_request_actions.may_answer(getattr(tk.g, "user", None)),
                                "handlungsfelder": strategy.handlungsfelder(), **extra})


def _page_number():
    try:
        return max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        return 1


@data_requests.route("/datenwuensche")
def index():
    status = request.args.get("status") or None
    if status not in (None, *STATUSES):
        return tk.abort(400, tk._("Unknown status"))
    page = _page_number()
    found = tk.get_action("smartcityms_data_request_list")(_context(), {
        "status": status, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE})
    return _render("smartcityms/data_requests.html", found=found, status=status, page=page,
                   pages=max(1, -(-found["count"] // PER_PAGE)))


@data_requests.route("/datenwuensche/neu", methods=["GET", "POST"])
def new():
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in FORM_FIELDS}
        too_fast = _form_too_fast(request.form.get("shown"))
        if too_fast:
            errors, status = {"message": [too_fast]}, 400
        else:
            try:
                created = tk.get_action("smartcityms_data_request_create")(_context(), dict(values))
            except tk.ValidationError as error:
                errors = error.error_dict
                status = 429 if "message" in errors else 400
            else:
                return _render("smartcityms/data_request_sent.html", created=created)
    return _render("smartcityms/data_request_form.html", values=values, errors=errors,
                   shown=_signer().dumps(str(time.time()))), status


def _show(request_id):
    try:
        return tk.get_action("smartcityms_data_request_show")(_context(), {"id": request_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Data request not found"))


@data_requests.route("/datenwuensche/<request_id>", methods=["GET", "POST"])
def read(request_id):
    shown, errors, status = _show(request_id), {}, 200
    if request.method == "POST":
        change = {"id": shown["id"], **{name: request.form.get(name, "") for name in (
            "status", "answer", "dataset", "handlungsfeld")}}
        try:
            tk.get_action("smartcityms_data_request_update")(_context(), change)
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only editors of an organization answer data requests"))
        except tk.ValidationError as error:
            errors, status = error.error_dict, 400
        else:
            return redirect(tk.h.url_for("smartcityms_data_requests.read", request_id=shown["id"]), 303)
    field = strategy.handlungsfeld(shown["handlungsfeld"]) if shown["handlungsfeld"] else None
    return _render("smartcityms/data_request.html", data_request=shown, errors=errors, field=field,
                   form=request.form if errors else {}), status


@data_requests.route("/datenwuensche/<request_id>/kontakt-loeschen", methods=["GET", "POST"])
def contact_delete(request_id):
    shown, error, done = _show(request_id), None, False
    if request.method == "POST":
        try:
            tk.get_action("smartcityms_data_request_contact_delete")(_context(), {
                "id": shown["id"], "deletion_key": request.form.get("deletion_key", "")})
            done = True
        except tk.NotAuthorized:
            error = tk._("This key does not belong to this request, or its contact was deleted already.")
    return _render("smartcityms/data_request_contact_delete.html", data_request=shown, error=error, done=done,
                   key=request.args.get("key", "")), (403 if error else 200)


@data_requests.route("/datenwuensche/feed.atom")
def feed():
    found = tk.get_action("smartcityms_data_request_list")({}, {"limit": FEED_ENTRIES})
    site = tk.config.get("ckan.site_url").rstrip("/")
    labels = _status_labels()
    generator = FeedGenerator()
    generator.id(site + tk.h.url_for("smartcityms_data_requests.index"))
    generator.title(f"{tk.config.get('ckan.site_title')} – {tk._('Data requests')}")
    generator.link(href=site + tk.h.url_for("smartcityms_data_requests.index"), rel="alternate")
    generator.link(href=site + tk.h.url_for("smartcityms_data_requests.feed"), rel="self")
    generator.language("de")
    for item in reversed(found["results"]):  # feedgen puts the last added first
        entry = generator.add_entry()
        link = site + tk.h.url_for("smartcityms_data_requests.read", request_id=item["id"])
        entry.id(link)
        entry.link(href=link)
        entry.title(f"{item['title']} ({labels[item['status']]})")
        entry.summary(item["description"])
        entry.published(item["created"] + "+00:00")
        entry.updated(item["modified"] + "+00:00")
    return Response(generator.atom_str(pretty=True), mimetype="application/atom+xml")
