"""The `smartcityms` plugin: the portal's own configuration and CLI."""
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cli


@tk.blanket.config_declarations
class SmartCityMsPlugin(p.SingletonPlugin):
    p.implements(p.IClick)

    def get_commands(self):
        return [cli.smartcityms]
