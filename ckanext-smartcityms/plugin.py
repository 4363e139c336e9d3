"""The `smartcityms` plugin: a registry that hands CKAN what each room provides.

No logic lives here; every hook delegates to the package that owns the
concern (see the README's "Architecture").
"""
import importlib.resources

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckanext.xloader.interfaces import IXloader

from ckanext.smartcityms import cache, cli, security, web
from ckanext.smartcityms.data_requests import actions as data_request_actions
from ckanext.smartcityms.datastore import changes as datastore_changes
from ckanext.smartcityms.datastore import feed_status, uploads
from ckanext.smartcityms.dcat import catalog as dcat_catalog
from ckanext.smartcityms.dcat import shacl
from ckanext.smartcityms.dcat import store as dcat_store
from ckanext.smartcityms.downloads import actions as download_actions
from ckanext.smartcityms.downloads import catalogue_dump
from ckanext.smartcityms.fields import validators
from ckanext.smartcityms.quality import actions as quality_actions
from ckanext.smartcityms.reference import licenses
from ckanext.smartcityms.search import facets, indexing, query, suggestions
from ckanext.smartcityms.security import disclosure
from ckanext.smartcityms.showcases import links as showcase_links
from ckanext.smartcityms.web import api_contract, former_addresses, helpers, maps


@tk.blanket.config_declarations
class SmartCityMsPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IClick)
    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(IXloader, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "smartcityms")
        if not config.get("licenses_group_url"):
            # CKAN's licence list = the DCAT-AP.de licences (reference.licenses)
            config["licenses_group_url"] = "file://" + str(licenses.license_list_path())
        maps.common_map_settings(config)

    def configure(self, config):
        shacl.check_at_startup()

    def make_middleware(self, app, config):
        # CKAN calls this for its Flask app: the security room hooks every request there,
        # the Action API's described operations keep their contract
        return former_addresses.install(api_contract.install(security.install(app)))

    def i18n_directory(self):
        # The catalogues live in the repository's i18n/ folder, installed as
        # the ckanext.smartcityms.i18n package (see setup.py).
        return str(importlib.resources.files("ckanext.smartcityms.i18n"))

    def i18n_domain(self):
        return "ckanext-smartcityms"

    def get_commands(self):
        return [cli.smartcityms]

    def get_actions(self):
        return {"dcat_catalog_show": dcat_catalog.dcat_catalog_show, **quality_actions.get_actions(),
                **suggestions.get_actions(), **download_actions.get_actions(), **datastore_changes.get_actions(),
                "xloader_submit": uploads.xloader_submit, **showcase_links.get_actions(),
                **data_request_actions.get_actions(), **disclosure.get_actions()}

    def get_auth_functions(self):
        return data_request_actions.get_auth_functions()

    def get_blueprint(self):
        return web.get_blueprints()

    def get_validators(self):
        return {**validators.get_validators(), **showcase_links.get_validators()}

    def get_helpers(self):
        return helpers.get_helpers()

    # IPackageController

    def before_dataset_index(self, pkg_dict):
        pkg_dict.pop("feed_status", None)  # computed when shown; never stored in the index
        return indexing.index_lists(pkg_dict)

    def after_dataset_show(self, context, pkg_dict):
        disclosure.dataset_without_source_secrets(context, pkg_dict)
        status = feed_status.status(pkg_dict)
        if status is not None:
            pkg_dict["feed_status"] = status
        return pkg_dict

    def before_dataset_search(self, search_params):
        search_params = showcase_links.datasets_only_unless_asked(search_params)
        return query.weighted_query(indexing.check_bbox(search_params))

    def after_dataset_search(self, search_results, search_params):
        for found in search_results.get("results") or []:
            disclosure.dataset_without_source_secrets({}, found)
        return facets.name_facet_items(search_results)

    def dataset_facets(self, facets_dict, package_type):
        if package_type == showcase_links.TYPE:
            return facets.showcase_facets(facets_dict)
        return facets.add_facets(facets_dict)

    def after_dataset_create(self, context, pkg_dict):
        self._showcase_changed(context, pkg_dict)
        self._dataset_changed(pkg_dict.get("id"))

    def after_dataset_update(self, context, pkg_dict):
        # Also after resource_create/update/delete, which update the dataset
        # (resource_delete without changing its metadata_modified).
        self._showcase_changed(context, pkg_dict)
        self._dataset_changed(pkg_dict.get("id"))

    def after_dataset_delete(self, context, pkg_dict):
        self._showcase_changed(context, pkg_dict)
        if pkg_dict.get("id"):
            cache.dataset_changed(pkg_dict["id"])
        dcat_store.forget(pkg_dict.get("id"))
        catalogue_dump.schedule_rebuild()

    def _showcase_changed(self, context, pkg_dict):
        """The datasets a showcase uses (or used) name it in their DCAT output."""
        if showcase_links.is_showcase(pkg_dict):
            for dataset_id in showcase_links.touched_datasets(context, pkg_dict):
                self._dataset_changed(dataset_id)

    def _dataset_changed(self, dataset_id):
        if dataset_id:
            cache.dataset_changed(dataset_id)
            dcat_store.schedule_refresh(dataset_id)
            catalogue_dump.schedule_rebuild()

    # IXloader (uploaded and linked tables, datastore/uploads.py)

    def can_upload(self, resource_id):
        return uploads.can_upload(resource_id)

    def after_upload(self, context, resource_dict, dataset_dict):
        uploads.loaded(resource_dict["id"])

    # IOrganizationController (IPackageController has hooks of the same
    # names; they get a Package, which is not an organization).

    def edit(self, entity):
        if getattr(entity, "is_organization", False):
            cache.organization_changed(entity.id)
            catalogue_dump.schedule_rebuild()  # the publisher of its datasets

    def delete(self, entity):
        if getattr(entity, "is_organization", False):
            cache.organization_changed(entity.id)
