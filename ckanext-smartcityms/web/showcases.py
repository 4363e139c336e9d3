"""Template helpers for showcases (Anwendungen) and the datasets they use."""
import ckan.plugins.toolkit as tk

from ckanext.smartcityms.showcases import links

# Shown with <img>: pictures uploaded to this portal. A picture elsewhere is
# linked, never loaded (nothing is fetched from other servers unless configured).
PICTURE_FORMATS = {"png", "jpg", "jpeg", "gif", "webp"}


def _showcase_words():
    """What CKAN's pages call a dataset type, for showcases (CKAN would say "Showcases")."""
    many, one = tk._("Applications"), tk._("Application")
    return {"breadcrumb": many, "content tab": one, "facet label": many, "main nav": many, "page title": many,
            "add link": tk._("Add application"), "create label": tk._("Add application"),
            "create title": tk._("Add application"), "edit label": tk._("Edit application"),
            "save label": tk._("Save application"), "update label": tk._("Save application"),
            "search placeholder": tk._("Search applications..."), "view label": tk._("View applications"),
            "form label": tk._("Application"), "my label": tk._("My applications"),
            "no any objects": tk._("No applications yet."),
            "delete confirmation": tk._("Are you sure you want to delete this application?")}


@tk.chained_helper
def humanize_entity_type(next_helper, entity_type, object_type, purpose):
    if (entity_type, object_type) == ("package", links.TYPE):
        return _showcase_words().get(purpose, tk._("Application"))
    return next_helper(entity_type, object_type, purpose)


def _context():
    return {"user": tk.g.user} if getattr(tk.g, "user", None) else {}


def smartcityms_showcases_of(pkg):
    """Public showcases that use this dataset."""
    if not pkg or pkg.get("type") != "dataset":
        return []
    return links.showcases_of(pkg.get("id"), _context())


def smartcityms_showcase_datasets(pkg):
    """The datasets of a showcase that the visitor may see."""
    return links.datasets_of(pkg, _context())


def smartcityms_showcases_filed_under(field, slug):
    return links.showcases_filed_under(field, slug)


def _is_picture(resource):
    name = (resource.get("url") or "").rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower()
    return (resource.get("format") or "").lower() in PICTURE_FORMATS or name in PICTURE_FORMATS


def smartcityms_showcase_pictures(pkg):
    """(uploaded pictures to show, other resources to link) of a showcase."""
    shown, linked = [], []
    for resource in (pkg or {}).get("resources") or []:
        if resource.get("url_type") == "upload" and _is_picture(resource):
            shown.append(resource)
        elif resource.get("url"):
            linked.append(resource)
    return shown, linked


HELPERS = [
    humanize_entity_type,
    smartcityms_showcases_of,
    smartcityms_showcase_datasets,
    smartcityms_showcases_filed_under,
    smartcityms_showcase_pictures,
]
