"""Sysadmins maintain the Handlungsfelder and projects in the web UI.

The strategy says its fields and projects will change; this is where that
happens without a code change: add, edit, rename (the old slug stays as an
alias, so its URLs redirect and datasets that carry it are re-indexed under
the new one) and retire (still resolvable, no longer offered for new
datasets). Everything is kept in system_info (see strategy.py).
"""
import re

from flask import Blueprint, redirect, request

import ckan.authz as authz
import ckan.lib.search as search
import ckan.plugins.toolkit as tk

from ckanext.smartcityms import strategy
from ckanext.smartcityms.downloads import catalogue_dump
from ckanext.smartcityms.reference import vocabularies

admin = Blueprint("smartcityms_admin", __name__, url_prefix="/ckan-admin/strategie")
KINDS = {"handlungsfeld": "handlungsfelder", "projekt": "projekte"}
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,60}")
STATUSES = ("besteht", "in Arbeit", "im Gespräch")
SYNC_REINDEX_LIMIT = 500


@admin.before_request
def sysadmins_only():
    user = tk.current_user
    if not user or not user.is_authenticated or not authz.is_sysadmin(user.name):
        return tk.abort(403, tk._("Only sysadmins may change the Handlungsfelder and projects."))


@admin.route("/")
def index():
    return tk.render("smartcityms/admin/strategie.html", {
        "fields": strategy.handlungsfelder(include_retired=True),
        "projects": strategy.projekte(include_retired=True)})


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _entry_from_form(kind, form):
    entry = {
        "slug": form.get("slug", "").strip(),
        "title": {"de": form.get("title_de", "").strip(), "en": form.get("title_en", "").strip()},
        "description": {"de": form.get("description_de", "").strip(), "en": form.get("description_en", "").strip()},
    }
    if kind == "handlungsfeld":
        entry["zukunftsfragen"] = {"de": _lines(form.get("zukunftsfragen_de")),
                                   "en": _lines(form.get("zukunftsfragen_en"))}
        entry["eu_themes"] = form.getlist("eu_themes")
    else:
        entry["status"] = form.get("status", "")
        entry["handlungsfelder"] = form.getlist("handlungsfelder")
        entry["partners"] = [p.strip() for p in form.get("partners", "").split(",") if p.strip()]
        entry["origin"] = form.get("origin", "").strip()
    if form.get("retired"):
        entry["retired"] = True
    return entry


def _errors(kind, entry, previous):
    errors = {}
    if not SLUG.fullmatch(entry["slug"]):
        errors["slug"] = tk._("2 to 61 lower-case letters, digits and hyphens")
    else:
        owner = (strategy.handlungsfeld if kind == "handlungsfeld" else strategy.projekt)(entry["slug"])
        if owner is not None and (previous is None or owner["slug"] != previous["slug"]):
            errors["slug"] = tk._("Already used by {title}").format(title=owner["title"]["de"])
    if not entry["title"]["de"]:
        errors["title_de"] = tk._("Missing value")
    if kind == "projekt":
        if entry["status"] not in STATUSES:
            errors["status"] = tk._("Missing value")
        if not entry["handlungsfelder"] or any(strategy.handlungsfeld(s) is None for s in entry["handlungsfelder"]):
            errors["handlungsfelder"] = tk._("At least one field of action")
    else:
        known = {c["code"] for c in vocabularies.vocabulary("data-theme").concepts}
        if set(entry["eu_themes"]) - known:
            errors["eu_themes"] = tk._("Unknown EU data theme")
    return errors


def _reindex(kind, old_slug):
    """Datasets indexed under the old slug are indexed again (under the new one)."""
    found = tk.get_action("package_search")({"ignore_auth": True}, {
        "fq": f'{kind}:"{old_slug}"', "rows": SYNC_REINDEX_LIMIT, "fl": "id", "include_private": True})
    if found["count"] > SYNC_REINDEX_LIMIT:
        tk.enqueue_job(search.rebuild, [], title="Re-index after renaming " + old_slug)
        return
    for dataset in found["results"]:
        search.rebuild(dataset["id"])


@admin.route("/<kind>/new", methods=["GET", "POST"], defaults={"slug": None})
@admin.route("/<kind>/<slug>/edit", methods=["GET", "POST"])
def edit(kind, slug):
    if kind not in KINDS:
        return tk.abort(404)
    name = KINDS[kind]
    content = strategy.data(name)
    entries = content[name]
    previous = next((e for e in entries if e["slug"] == slug), None) if slug else None
    if slug and previous is None:
        return tk.abort(404, tk._("Field of action not found") if kind == "handlungsfeld" else tk._("Project not found"))
    errors, entry = {}, dict(previous or {})
    if request.method == "POST":
        entry = _entry_from_form(kind, request.form)
        errors = _errors(kind, entry, previous)
        if not errors:
            aliases = list((previous or {}).get("aliases", []))
            if previous and previous["slug"] != entry["slug"]:
                aliases.append(previous["slug"])
            entry["aliases"] = [a for a in dict.fromkeys(aliases) if a != entry["slug"]]
            entry["edited"] = True

            def change(stored):
                current = stored or strategy.shipped(name)
                kept = [e for e in current[name] if not previous or e["slug"] != previous["slug"]]
                if previous:  # in its place
                    at = next((i for i, e in enumerate(current[name]) if e["slug"] == previous["slug"]), len(kept))
                    kept.insert(at, entry)
                else:
                    kept.append(entry)
                return {**current, name: kept}
            try:
                # Our form carries the version it showed; a post without one (a script) is not checked.
                strategy.update(name, change, expected_version=request.form.get("version") or None)
            except strategy.StaleEdit:
                errors["version"] = tk._("Someone else changed the Handlungsfelder or projects since this "
                                         "form was opened. Open it again to see their change, then "
                                         "repeat yours.")
            else:
                if previous and previous["slug"] != entry["slug"]:
                    _reindex(kind, previous["slug"])
                catalogue_dump.schedule_rebuild()  # titles of Handlungsfelder and projects are in it
                tk.h.flash_success(tk._("Saved."))
                return redirect(tk.h.url_for("smartcityms_admin.index"))
    return tk.render("smartcityms/admin/strategie_form.html", {
        "kind": kind, "entry": entry, "errors": {k: [v] for k, v in errors.items()}, "is_new": previous is None,
        # The version this editor saw: a POST keeps the form's, so a stale edit stays refused.
        "version": request.form.get("version", 0) if request.method == "POST" else content.get("version", 0),
        "statuses": STATUSES, "all_fields": strategy.handlungsfelder(include_retired=True),
        "themes": vocabularies.vocabulary("data-theme").concepts})
