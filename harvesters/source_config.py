"""Harvest source configurations, read and checked the same way by every harvester.

A configuration is a JSON object; keys a harvester does not know are
refused, missing keys take the harvester's defaults, and the harvester's
`check` completes the values (slugs, lists) or names what is wrong. The same
parse serves saving the source (IHarvester.validate_config) and each stage
of a job: a stored configuration that no longer parses (edited in the
database, or by a newer rule) ends the gather stage with an error that says
nothing was changed, and the import stage with that object's error.
"""
import copy
import json

from ckanext.smartcityms.harvesters import common


class SourceConfig:
    def __init__(self, defaults, check=None, organizations=None):
        self.defaults = defaults
        self.check = check
        # config -> the organizations it places datasets in (checked against the source's creator)
        self.organizations = organizations

    def parse(self, text):
        """The configuration with defaults and checked values; ValueError names what is wrong."""
        try:
            given = json.loads(text) if text and text.strip() else {}
        except ValueError as error:
            raise ValueError(f"The configuration is not valid JSON: {error}")
        if not isinstance(given, dict):
            raise ValueError("The configuration must be a JSON object")
        unknown = set(given) - set(self.defaults)
        if unknown:
            raise ValueError(f"Unknown option(s): {', '.join(sorted(unknown))}. "
                             f"Known: {', '.join(self.defaults)}")
        config = {**copy.deepcopy(self.defaults), **given}
        if self.check is not None:
            config = self.check(config) or config
        return config

    def validate(self, text):
        """For IHarvester.validate_config: the text unchanged, or ValueError."""
        self.parse(text)
        return text

    def for_gather(self, harvester, harvest_job):
        """The job's configuration, or None after a gather error (nothing changed)."""
        try:
            config = self.parse(harvest_job.source.config)
            for organization in (self.organizations(config) if self.organizations else []):
                common.check_organization(harvest_job.source, organization)
            return config
        except ValueError as error:
            harvester._save_gather_error(
                f"The source configuration is not valid: {_sentence(error)} Nothing was changed.", harvest_job)
            return None

    def for_import(self, harvester, harvest_object):
        """The object's source configuration, or None after an import error (its dataset unchanged)."""
        try:
            return self.parse(harvest_object.source.config)
        except ValueError as error:
            harvester._save_object_error(
                f"The source configuration is not valid: {_sentence(error)} The dataset was not changed.",
                harvest_object, "Import")
            return None


def _sentence(error):
    text = str(error)
    return text if text.endswith((".", "?", "!")) else text + "."
