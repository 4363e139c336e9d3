"""The migration of Münster's old portal (`muenster_portal`): one dataset per
dataset of its metadata export, through ckanext-harvest's gather, fetch and
import, with every guarantee our harvesters give.

Gather downloads the export (the source's URL, through the guarded client),
reads it (export.py) and makes one harvest object per dataset, guid = the
old Dataset-ID. A dataset whose record is unchanged since the last run
becomes a finished "not modified" object at once (a second run changes
nothing). A dataset gone from the export is withdrawn, unless more than a
fifth of the source's datasets would go at once: then nothing is withdrawn
and the job says why (an export cut short must not empty the portal).

Import builds the dataset (datasets.py), places it in its publisher's
organization (created when the source's creator is a sysadmin; otherwise
the source's own organization, with a warning), under the Handlungsfelder
the rules suggest (rules.py), keeps its old address and node id for the
redirects (web/former_addresses.py) and writes it. What DCAT-AP.de requires
and the old portal lacks keeps the dataset private, listed in its
`worklist`; one dataset's failure is that object's error.
"""
import hashlib
import json
import logging

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.smartcityms.harvesters import common
from ckanext.smartcityms.harvesters.cli import HarvestCommands
from ckanext.smartcityms.harvesters.muenster_portal import datasets, export, mapping, rules
from ckanext.smartcityms.harvesters.source_config import SourceConfig
from ckanext.smartcityms.outbound import http

log = logging.getLogger(__name__)
FORMAT_VERSION = "1"  # part of every record's digest: a change of the mapping rewrites every dataset
MAX_WITHDRAWN_SHARE = 0.2
SUGGESTED = "handlungsfeld: vorgeschlagen"


def _check(config):
    if not isinstance(config["timeout"], (int, float)) or not 1 <= config["timeout"] <= 600:
        raise ValueError("timeout: seconds between 1 and 600")
    if not isinstance(config["max_mb"], (int, float)) or not 1 <= config["max_mb"] <= 500:
        raise ValueError("max_mb: megabytes between 1 and 500")
    return config


SOURCE_CONFIG = SourceConfig({"timeout": 120, "max_mb": 50}, _check)


def _digest(content):
    return hashlib.sha256((FORMAT_VERSION + content).encode("utf-8")).hexdigest()


class MuensterPortalHarvester(HarvestCommands, HarvesterBase, plugins.SingletonPlugin):
    plugins.implements(IHarvester)
    plugins.implements(plugins.IClick)

    def info(self):
        return {"name": "muenster_portal", "title": "Altes Portal der Stadt Münster (Metadaten-Export)",
                "description": "The old DKAN portal's metadata export (.xlsx): one dataset per dataset, "
                               "migrated onto DCAT-AP.de"}

    def validate_config(self, config):
        return SOURCE_CONFIG.validate(config)

    # -------------------------------------------------------------- gather

    @common.gather_errors_contained
    def gather_stage(self, harvest_job):
        config = SOURCE_CONFIG.for_gather(self, harvest_job)
        if config is None:
            return []
        url = harvest_job.source.url
        try:
            content, _type = http.fetch(url, purpose=http.HARVEST, timeout=config["timeout"],
                                        max_bytes=int(config["max_mb"] * 1024 * 1024))
            records = export.records(content)
        except (http.FetchError, export.ExportError) as error:
            self._save_gather_error(f"The export could not be read: {error} Nothing was changed.", harvest_job)
            return []
        known = common.current_digests(harvest_job.source.id)
        current = dict(common.current_objects(harvest_job.source.id))
        object_ids, unchanged, seen = [], [], set()
        for record in records:
            guid = record["dataset"]["Dataset-ID"][:100]
            if guid in seen:
                self._save_gather_error(f"The export lists dataset {guid} twice; the second was left out.",
                                        harvest_job)
                continue
            seen.add(guid)
            content = json.dumps(record, sort_keys=True, ensure_ascii=False)
            digest = _digest(content)
            if guid in known and known[guid][2] == digest:
                unchanged.append((guid, content, known[guid]))
                continue
            obj = HarvestObject(guid=guid, job=harvest_job, content=content,
                                extras=[HarvestObjectExtra(key="digest", value=digest)])
            obj.save()
            object_ids.append(obj.id)
        common.unchanged_objects(harvest_job, unchanged)
        model.Session.commit()
        gone = [(guid, package_id) for guid, package_id in current.items() if guid not in seen]
        if gone and len(gone) > MAX_WITHDRAWN_SHARE * len(current):
            self._save_gather_error(
                f"The export no longer lists {len(gone)} of the source's {len(current)} datasets, more than "
                f"{int(MAX_WITHDRAWN_SHARE * 100)} %; none was withdrawn (an export cut short?). Withdraw them "
                "by hand if they are really gone.", harvest_job)
        else:
            object_ids.extend(common.withdraw(harvest_job, guid, package_id) for guid, package_id in gone)
        return object_ids

    def fetch_stage(self, harvest_object):
        return True  # the export was read in gather; each record is its object's content

    # -------------------------------------------------------------- import

    @common.object_errors_contained
    def import_stage(self, harvest_object):
        context = {"user": self._get_user_name(), "ignore_auth": True}
        if common.object_extra(harvest_object, "status") == "delete":
            return common.delete_withdrawn(context, harvest_object)
        if common.refuse_guid_of_another_source(self, harvest_object):
            return False
        record = json.loads(harvest_object.content)
        built = datasets.build(record)
        dataset = built.dataset
        title = dataset.get("title") or harvest_object.guid
        dataset["owner_org"] = self._organization(harvest_object, built.publisher, title)
        categories = [label for label, _key in mapping.labelled_values(record["dataset"].get("Tags"))]
        dataset["handlungsfeld"], how = rules.handlungsfelder(categories, title)
        if how == "fallback":
            common.warn(harvest_object, f"{title}: no rule places it; Management & Infrastruktur suggested")
        dataset["former_names"] = [built.former_name] if built.former_name else []
        if built.node_id:
            dataset["former_node_id"] = built.node_id
        dataset["worklist"] = [*built.missing, SUGGESTED]
        if built.missing:
            common.warn(harvest_object, f"{title}: private until completed ({', '.join(built.missing)} missing)")
        previous = common.previous_current(harvest_object)
        package = common.existing_dataset(harvest_object, previous)
        if not common.write_dataset(context, harvest_object, previous, package, dataset, f"Datensatz {title}"):
            return False
        harvest_object.extras.append(HarvestObjectExtra(
            key="metadata_hash", value=common.object_extra(harvest_object, "digest")))
        harvest_object.add()
        model.Session.commit()
        return True

    def _organization(self, harvest_object, publisher, title):
        """The id of the publisher's organization; the source's own where there is none or it
        may not be created (only a sysadmin's source creates organizations)."""
        source = model.Package.get(harvest_object.source.id)
        own = source.owner_org if source is not None else None
        if publisher is None:
            return own
        name = mapping.ckan_name(publisher[0])
        existing = model.Group.get(name) if name else None
        if existing is not None and existing.is_organization and existing.state == "active":
            return existing.id
        creator = model.User.get(source.creator_user_id) if source is not None and source.creator_user_id else None
        if name is None or creator is None or not creator.sysadmin:
            common.warn(harvest_object, f"{title}: publisher {publisher[0]!r} has no organization here; "
                                        "the source's own organization publishes it")
            return own
        created = tk.get_action("organization_create")({"user": creator.name, "ignore_auth": True}, {
            "name": name, "title": publisher[0][:200], "image_url": ""})
        return created["id"]
