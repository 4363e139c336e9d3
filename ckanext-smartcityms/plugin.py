"""The `smartcityms` plugin: schemas' validators and helpers, indexing, CLI."""
import importlib.resources

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.smartcityms import cli, dcat_catalog, helpers, indexing, validators, views
from ckanext.smartcityms.dcat_profile import DCATAPdeProfile


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

    def update_config(self, config):
        tk.add_template_directory(config, "templates")

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
        return indexing.index_lists(pkg_dict)

    # IOrganizationController: the DCAT profile caches publisher details.
    # (IPackageController has hooks of the same names; for a dataset the
    # call finds no cached organization and does nothing.)

    def edit(self, entity):
        DCATAPdeProfile.forget_organization(entity.id)

    def delete(self, entity):
        DCATAPdeProfile.forget_organization(entity.id)
