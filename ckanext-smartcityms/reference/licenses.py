"""CKAN's licence list, made from our DCAT-AP.de licence vocabulary.

CKAN shows a dataset's `license_id` in the sidebar, the licence facet and
the API's license_title/license_url. The portal sets it from the
distributions' licences (validator smartcityms_license_from_resources), and
points `licenses_group_url` at schemas/ckan_licenses.json, written from
schemas/vocabularies/license.json (tests/test_licenses.py keeps them equal).
"""
import importlib.resources
import json

from ckanext.smartcityms.reference import vocabularies


def ckan_license_list():
    result = []
    for concept in vocabularies.vocabulary("license").concepts:
        open_ = concept.get("open", False)
        result.append({
            "id": concept["uri"],
            "title": concept["label"]["de"],
            "url": concept["uri"],
            "status": "active",
            "od_conformance": "approved" if open_ else "not reviewed",
            "osd_conformance": "not reviewed",
            "domain_content": True,
            "domain_data": True,
            "domain_software": False,
        })
    return result


def license_list_path():
    return importlib.resources.files("ckanext.smartcityms.schemas").joinpath("ckan_licenses.json")


def write_license_list():
    license_list_path().write_text(json.dumps(ckan_license_list(), ensure_ascii=False, indent=1) + "\n", "utf-8")
