"""Template helpers (ITemplateHelpers)."""
import logging

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import strategy
from ckanext.smartcityms.fields.lists import as_list
from ckanext.smartcityms.reference import vocabularies
from ckanext.smartcityms.search import suggestions
from ckanext.smartcityms.web import labels, maps, showcases
from ckanext.smartcityms.web.language import smartcityms_localized

log = logging.getLogger(__name__)


def smartcityms_vocabulary_choices(field):
    return vocabularies.vocabulary(field["vocabulary"]).choices()


def smartcityms_format_choices(field):
    return [{"value": c["label"]["en"], "label": c["label"]}
            for c in vocabularies.vocabulary("file-type").concepts]


def smartcityms_handlungsfeld_choices(field=None):
    return [{"value": f["slug"], "label": f["title"]} for f in strategy.handlungsfelder()]


def smartcityms_projekt_choices(field=None):
    return [{"value": p["slug"], "label": p["title"]} for p in strategy.projekte()]


def smartcityms_dcat_validation(pkg_dict):
    """DCAT-AP.de validation result for editors: {"ok", "violations", "warnings"},
    {"unavailable": reason} without shapes (logged), {"unserialisable": reason}
    when the dataset cannot be written as RDF (it is then left out of the
    catalogue pages), or None for other users."""
    from ckanext.smartcityms.dcat import validation as dcat_validation
    from ckanext.smartcityms.dcat import shacl
    if not tk.h.check_access("package_update", {"id": pkg_dict["id"]}):
        return None
    findings, problem = dcat_validation.findings_or_problem(pkg_dict)
    if problem:
        return problem
    violations = shacl.violations(findings)
    return {"ok": not violations, "violations": violations,
            "warnings": [f for f in findings if f.severity != "Violation"]}


def smartcityms_quality(pkg_dict):
    """The dataset's metadata quality (MQA indicators) for its editors, or None for other users."""
    from ckanext.smartcityms.quality import score
    try:
        if not tk.h.check_access("package_update", {"id": pkg_dict["id"]}):
            return None
        return score.assess(pkg_dict).as_dict()
    except Exception:  # the quality box must never take the dataset page down
        log.exception("Quality of dataset %s could not be computed", pkg_dict.get("id"))
        return None


def smartcityms_usage_terms(pkg):
    """Is any distribution under a licence that is not open, and the exact terms given for them."""
    licence = vocabularies.vocabulary("license")
    not_open, rights = False, []
    for resource in pkg.get("resources") or []:
        concept = licence.get(resource.get("license") or "")
        if concept is not None and not concept.get("open"):
            not_open = True
            if resource.get("rights") and resource["rights"] not in rights:
                rights.append(resource["rights"])
    return {"not_open": not_open, "rights": rights}


PROJECT_STATUS = {"besteht": {"de": "besteht", "en": "running"},
                  "in Arbeit": {"de": "in Arbeit", "en": "in progress"},
                  "im Gespräch": {"de": "im Gespräch", "en": "under discussion"}}


def smartcityms_project_status(status):
    return smartcityms_localized(PROJECT_STATUS.get(status, {"de": status}))


def smartcityms_badges(pkg, field):
    """[{slug, title}] of a dataset's Handlungsfelder or projects, in the page's language."""
    lookup = strategy.handlungsfeld if field == "handlungsfeld" else strategy.projekt
    found = [lookup(v) for v in as_list(pkg.get(field))]
    return [{"slug": f["slug"], "title": smartcityms_localized(f["title"])} for f in found if f]


def smartcityms_static_title(markdown_text):
    """The first heading of a static page's Markdown."""
    for line in markdown_text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def smartcityms_home():
    """Figures of the home page: one search for counts and the newest datasets."""
    search = tk.get_action("package_search")({}, {
        "rows": 5, "sort": "metadata_created desc", "facet.limit": -1,
        "facet.field": ["handlungsfeld", "projekt", "license_id", "organization"]})
    facets = search["search_facets"]
    counts = {key: {i["name"]: i["count"] for i in facets.get(key, {}).get("items", [])}
              for key in ("handlungsfeld", "projekt", "license_id", "organization")}
    open_licences = {c["uri"] for c in vocabularies.vocabulary("license").concepts if c.get("open")}
    open_count = sum(n for licence, n in counts["license_id"].items() if licence in open_licences)
    fields = [{"slug": f["slug"], "title": smartcityms_localized(f["title"]),
               "description": smartcityms_localized(f["description"]),
               "count": counts["handlungsfeld"].get(f["slug"], 0)} for f in strategy.handlungsfelder()]
    projects = sorted(strategy.projekte(), key=lambda p: -counts["projekt"].get(p["slug"], 0))
    return {
        "datasets": search["count"], "organizations": len(counts["organization"]),
        "projects": len(strategy.projekte()),
        "open_share": round(100 * open_count / search["count"]) if search["count"] else 0,
        "fields": fields, "newest": search["results"],
        "project_list": [{"slug": p["slug"], "title": smartcityms_localized(p["title"]),
                          "status": smartcityms_project_status(p["status"]),
                          "count": counts["projekt"].get(p["slug"], 0)} for p in projects[:8]],
    }


def smartcityms_did_you_mean(q):
    """{"text", "count", "url"} of a better spelling of q for the search page, or None."""
    found = suggestions.did_you_mean({"user": tk.g.user}, q)
    if not found:
        return None
    text, hits = found
    return {"text": text, "count": hits, "url": tk.h.url_for("dataset.search", q=text)}


def smartcityms_pager(page, **kwargs):
    """CKAN's pager with names for its previous/next links: CKAN draws them as
    bare icons, which screen readers cannot name (axe: link-name, serious)."""
    from dominate import tags

    def symbol(icon, name):
        return tags.span(tags.i(cls=f"fa-solid {icon}", aria_hidden="true"), tags.span(name, cls="visually-hidden"))
    return page.pager(symbol_previous=symbol("fa-chevron-left", tk._("Previous page")),
                      symbol_next=symbol("fa-chevron-right", tk._("Next page")), **kwargs)


def smartcityms_session_hours():
    """How long a login lasts at most (PERMANENT_SESSION_LIFETIME), in whole hours."""
    return max(1, round(tk.config.get("PERMANENT_SESSION_LIFETIME") / 3600))


# Registered with CKAN (ITemplateHelpers) under their own names, as h.<name> in templates.
HELPERS = [
    smartcityms_session_hours,
    smartcityms_vocabulary_choices,
    smartcityms_format_choices,
    smartcityms_handlungsfeld_choices,
    smartcityms_projekt_choices,
    smartcityms_dcat_validation,
    smartcityms_quality,
    smartcityms_usage_terms,
    smartcityms_localized,
    smartcityms_project_status,
    smartcityms_badges,
    smartcityms_static_title,
    smartcityms_home,
    smartcityms_did_you_mean,
    smartcityms_pager,
]


def get_helpers():
    return {helper.__name__: helper for helper in [*HELPERS, *labels.HELPERS, *maps.HELPERS, *showcases.HELPERS]}
