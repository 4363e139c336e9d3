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


def smartcityms_license_is_open(license_uri):
    return vocabularies.license_is_open(license_uri)


def get_helpers():
    return {name: fn for name, fn in globals().items()
            if name.startswith("smartcityms_") and callable(fn)}
