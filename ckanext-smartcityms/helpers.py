"""Template helpers (ITemplateHelpers)."""
import ckan.plugins.toolkit as tk

from ckanext.smartcityms import reference, vocabularies


def smartcityms_vocabulary_choices(field):
    return vocabularies.vocabulary(field["vocabulary"]).choices()


def smartcityms_format_choices(field):
    return [{"value": c["label"]["en"], "label": c["label"]}
            for c in vocabularies.vocabulary("file-type").concepts]


def smartcityms_handlungsfeld_choices(field=None):
    return [{"value": f["slug"], "label": f["title"]} for f in reference.handlungsfelder()]


def smartcityms_projekt_choices(field=None):
    return [{"value": p["slug"], "label": p["title"]} for p in reference.projekte()]


def smartcityms_dcat_validation(pkg_dict):
    """DCAT-AP.de validation result for editors: {"ok": bool, "findings": [...]} or None."""
    from ckanext.smartcityms import dcat_validation, shacl
    try:
        if not tk.h.check_access("package_update", {"id": pkg_dict["id"]}):
            return None
        findings = dcat_validation.dataset_findings_cached(pkg_dict)
    except shacl.ShapesMissing:
        return None
    violations = shacl.violations(findings)
    return {"ok": not violations, "violations": violations,
            "warnings": [f for f in findings if f.severity != "Violation"]}


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


def get_helpers():
    return {name: fn for name, fn in globals().items()
            if name.startswith("smartcityms_") and callable(fn)}
