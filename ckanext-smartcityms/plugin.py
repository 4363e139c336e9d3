"""The `smartcityms` plugin: schemas' validators and helpers, indexing, DCAT, CLI."""
import importlib.resources
import logging

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.smartcityms import (
    cli, dcat_catalog, dcat_fragments, facets, feed_status, helpers, indexing, licenses, validators, views)
from ckanext.smartcityms.dcat_profile import DCATAPdeProfile

log = logging.getLogger(__name__)


@tk.blanket.config_declarations
class SmartCityMsPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IClick)
    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)
    p.implements(p.IFacets, inherit=True)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "smartcityms")
        if not config.get("licenses_group_url"):
            # CKAN's licence list = the DCAT-AP.de licences (see licenses.py)
            config["licenses_group_url"] = "file://" + str(licenses.license_list_path())

    def i18n_directory(self):
        # The catalogues live in the repository's i18n/ folder, installed as
        # the ckanext.smartcityms.i18n package (see setup.py).
        return str(importlib.resources.files("ckanext.smartcityms.i18n"))

    def i18n_domain(self):
        return "ckanext-smartcityms"

    def get_commands(self):
        return [cli.smartcityms]

    def get_actions(self):
        return {"dcat_catalog_show": dcat_catalog.dcat_catalog_show}

    def get_blueprint(self):
        return views.get_blueprints()

    def get_validators(self):
        return validators.get_validators()

    def get_helpers(self):
        return helpers.get_helpers()

    def before_dataset_index(self, pkg_dict):
        pkg_dict.pop("feed_status", None)  # computed when shown; never stored in the index
        return indexing.index_lists(pkg_dict)

    def after_dataset_show(self, context, pkg_dict):
        status = feed_status.status(pkg_dict)
        if status is not None:
            pkg_dict["feed_status"] = status
        return pkg_dict

    def before_dataset_search(self, search_params):
        return indexing.bbox_filter(search_params)

    def after_dataset_search(self, search_results, search_params):
        return facets.name_facet_items(search_results)

    def dataset_facets(self, facets_dict, package_type):
        return facets.add_facets(facets_dict)

    # The DCAT catalogue's Turtle fragment follows every change of a dataset.

    def after_dataset_create(self, context, pkg_dict):
        self._refresh_fragment(pkg_dict.get("id"))

    def after_dataset_update(self, context, pkg_dict):
        self._refresh_fragment(pkg_dict.get("id"))

    def after_dataset_delete(self, context, pkg_dict):
        dcat_fragments.forget(pkg_dict.get("id"))

    def _refresh_fragment(self, dataset_id):
        # In the background job worker: saving a dataset (or a harvest of
        # thousands) does not wait for its serialisation. Until the job ran,
        # a catalogue page notices the stale entry and serialises it itself.
        if not dataset_id or not dcat_fragments.enabled():
            return
        try:
            tk.enqueue_job(dcat_fragments.refresh, [dataset_id],
                           title=f"DCAT Turtle of dataset {dataset_id}")
        except Exception:  # a cache must never break saving a dataset
            log.warning("Could not queue the DCAT refresh of %s", dataset_id, exc_info=True)

    # IOrganizationController: the DCAT profile caches publisher details.
    # (IPackageController has hooks of the same names; for a dataset the
    # call finds no cached organization and does nothing.)

    def edit(self, entity):
        DCATAPdeProfile.forget_organization(entity.id)

    def delete(self, entity):
        DCATAPdeProfile.forget_organization(entity.id)
