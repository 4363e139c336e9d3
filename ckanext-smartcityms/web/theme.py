"""Pages of the strategy: a Handlungsfeld, a project, their Atom feeds, and the
static pages a public body must publish (accessibility statement, imprint,
privacy).

Handlungsfeld and project pages are addressed by slug; a beta name or any
other alias answers with a permanent redirect to the canonical address, so
old links keep working.
"""
import importlib.resources
import pathlib

from flask import Blueprint, redirect, request

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page
from ckan.lib.search import SearchError
from ckan.views import feed as ckan_feed

from ckanext.smartcityms import strategy
from ckanext.smartcityms.web.language import page_language, smartcityms_localized as localized

theme = Blueprint("smartcityms_theme", __name__)
ROWS = 20
MAX_PAGE = 500  # deeper pages are clamped: Solr would refuse the offset, and no one reads them
MAX_QUERY = 500  # characters of a search text
STATIC_PAGES = {
    "barrierefreiheit": "accessibility",
    "impressum": "imprint",
    "datenschutz": "privacy",
}


def _search(fq, q="", page=1, rows=ROWS, sort="metadata_modified desc", facets=()):
    """package_search; a query Solr cannot read is the visitor's 400, not our 500."""
    try:
        return tk.get_action("package_search")({}, {
            "fq": fq, "q": q, "rows": rows, "start": (page - 1) * rows, "sort": sort,
            "facet": "true" if facets else "false", "facet.field": list(facets), "include_private": False})
    except (tk.ValidationError, SearchError):
        return tk.abort(400, tk._("The search could not be understood. Please check brackets and quotes, "
                                  "or search for plain words."))


def _page_number():
    try:
        return min(MAX_PAGE, max(1, int(request.args.get("page", 1))))
    except (ValueError, OverflowError):
        return 1


def _listing(fq):
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    page = _page_number()
    result = _search(fq, q, page)
    def page_url(q=q, page=1):
        return tk.h.url_for(request.endpoint, **dict(request.view_args, q=q or None, page=page))
    pager = Page(collection=result["results"], page=page, url=page_url, presliced_list=True,
                 item_count=result["count"], items_per_page=ROWS)
    return {"q": q, "result": result, "page": pager}


class _Moved(Exception):
    def __init__(self, response):
        self.response = response


def _entry(kind, slug):
    """The Handlungsfeld or project for `slug`; 404 if unknown, 301 to the canonical slug for an alias."""
    lookup, missing = {"handlungsfeld": (strategy.handlungsfeld, tk._("Field of action not found")),
                       "projekt": (strategy.projekt, tk._("Project not found"))}[kind]
    entry = lookup(slug)
    if entry is None:
        tk.abort(404, missing)
    if entry["slug"] != slug:
        raise _Moved(redirect(tk.h.url_for(request.endpoint, slug=entry["slug"], **request.args),
                              code=301))
    return entry


@theme.errorhandler(_Moved)
def _moved(moved):
    return moved.response


@theme.route("/handlungsfeld/<slug>")
def handlungsfeld(slug):
    field = _entry("handlungsfeld", slug)
    projects = [p for p in strategy.projekte() if field["slug"] in p["handlungsfelder"]]
    return tk.render("smartcityms/handlungsfeld.html", {
        "field": field, "projects": projects, **_listing(f'handlungsfeld:"{field["slug"]}"')})


@theme.route("/projekt/<slug>")
def projekt(slug):
    project = _entry("projekt", slug)
    fields = [strategy.handlungsfeld(s) for s in project["handlungsfelder"]]
    return tk.render("smartcityms/projekt.html", {
        "project": project, "fields": [f for f in fields if f],
        **_listing(f'projekt:"{project["slug"]}"')})


@theme.route("/projekte")
def projekte():
    counts = _search("", rows=0, facets=["projekt"])["search_facets"].get("projekt", {}).get("items", [])
    return tk.render("smartcityms/projekte.html", {
        "projects": strategy.projekte(), "counts": {i["name"]: i["count"] for i in counts}})


def _atom(kind, entry, fq, page_endpoint):
    results = _search(fq, rows=ROWS)["results"]
    site = tk.config.get("ckan.site_url").rstrip("/")
    link = site + tk.h.url_for(page_endpoint, slug=entry["slug"])
    title = f"{tk.config.get('ckan.site_title')} – {kind}: {localized(entry['title'])}"
    return ckan_feed.output_feed(
        results, feed_title=title, feed_description=localized(entry.get("description") or {}),
        feed_link=link, feed_url=link + "/feed.atom",
        navigation_urls={"previous": None, "next": None, "first": None, "last": None},
        feed_guid=link)


@theme.route("/handlungsfeld/<slug>/feed.atom")
def handlungsfeld_feed(slug):
    field = _entry("handlungsfeld", slug)
    return _atom(tk._("Field of action"), field, f'handlungsfeld:"{field["slug"]}"',
                 "smartcityms_theme.handlungsfeld")


@theme.route("/projekt/<slug>/feed.atom")
def projekt_feed(slug):
    project = _entry("projekt", slug)
    return _atom(tk._("Project"), project, f'projekt:"{project["slug"]}"', "smartcityms_theme.projekt")


def page_text(name, language):
    """Markdown of a static page: from `ckanext.smartcityms.pages_path` if it has the
    file, else the text shipped with the extension."""
    filename = f"{name}.{language}.md"
    folder = tk.config.get("ckanext.smartcityms.pages_path")
    if folder and (pathlib.Path(folder) / filename).is_file():
        return (pathlib.Path(folder) / filename).read_text("utf-8")
    shipped = importlib.resources.files("ckanext.smartcityms").joinpath(f"pages/{filename}")
    if shipped.is_file():
        return shipped.read_text("utf-8")
    return importlib.resources.files("ckanext.smartcityms").joinpath(f"pages/{name}.de.md").read_text("utf-8")


def _static(page):
    language = "en" if page_language() == "en" else "de"
    email = tk.config.get("ckanext.smartcityms.feedback_email")
    contact = f"[{email}](mailto:{email})" if email else tk._("(no contact address configured yet)")
    text = page_text(STATIC_PAGES[page], language).replace("{feedback_email}", contact)
    return tk.render("smartcityms/static_page.html", {"page": page, "text": text})


for _slug in STATIC_PAGES:
    theme.add_url_rule(f"/{_slug}", endpoint=_slug, view_func=lambda _slug=_slug: _static(_slug))
