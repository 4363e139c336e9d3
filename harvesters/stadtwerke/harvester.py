"""Stadtwerke Münster feeds harvester (`stadtwerke_ms`): one dataset per feed.

Gather makes one harvest object per configured feed that is due (guid = feed
id; `every_minutes` spaces out slow-changing feeds) and withdraws datasets of
feeds removed from the configuration. Import downloads the feed, builds the
dataset (stadtwerke_datasets) and loads its DataStore tables
(datastore_tables). Each feed fails alone: a download or parse error becomes
that object's error and leaves its dataset and tables exactly as they were;
the other feeds go on. The dataset is rewritten only when its metadata
changed ("not modified" otherwise), while snapshots and histories are loaded
on every successful run.
"""
import datetime
import hashlib
import json
import logging
import uuid

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.smartcityms.datastore import bulk_tables
from ckanext.smartcityms.datastore import feed_status
from ckanext.smartcityms.harvesters import common
from ckanext.smartcityms.harvesters.cli import HarvestCommands
from ckanext.smartcityms.outbound import http
from ckanext.smartcityms.harvesters.stadtwerke.feeds import SOURCE_CONFIG
from ckanext.smartcityms.harvesters.stadtwerke.kinds import KINDS

log = logging.getLogger(__name__)


class StadtwerkeHarvester(HarvestCommands, HarvesterBase, plugins.SingletonPlugin):
    plugins.implements(IHarvester)
    plugins.implements(plugins.IClick)

    def info(self):
        return {"name": "stadtwerke_ms", "title": "Stadtwerke Münster / Stadt Münster feeds",
                "description": "Timetables (GTFS), live buses, mobility stations, parking and "
                               "monthly time series, one dataset per feed, live values in the DataStore"}

    def validate_config(self, config):
        return SOURCE_CONFIG.validate(config)

    # -------------------------------------------------------------- gather

    @common.gather_errors_contained
    def gather_stage(self, harvest_job):
        config = SOURCE_CONFIG.for_gather(self, harvest_job)
        if config is None:
            return []
        current = dict(common.current_objects(harvest_job.source.id))
        now = datetime.datetime.utcnow()
        object_ids = []
        for feed in config["feeds"]:
            if current.get(feed["id"]) and not self._due(feed, current[feed["id"]], now):
                continue
            obj = HarvestObject(guid=feed["id"], job=harvest_job,
                                content=json.dumps({**feed, "timeout": config["timeout"],
                                                    "max_mb": config["max_mb"]}))
            obj.save()
            object_ids.append(obj.id)
        configured = {feed["id"] for feed in config["feeds"]}
        object_ids.extend(common.withdraw(harvest_job, guid, package_id)
                          for guid, package_id in current.items() if guid not in configured)
        return object_ids

    @staticmethod
    def _due(feed, package_id, now):
        last = feed_status.last_success(package_id)
        return last is None or (now - last).total_seconds() >= feed["every_minutes"] * 60

    def fetch_stage(self, harvest_object):
        return True  # each feed is downloaded in its import, so a failure stays with that feed

    # -------------------------------------------------------------- import

    @common.object_errors_contained
    def import_stage(self, harvest_object):
        context = {"user": self._get_user_name(), "ignore_auth": True}
        if common.object_extra(harvest_object, "status") == "delete":
            return common.delete_withdrawn(context, harvest_object)

        if common.refuse_guid_of_another_source(self, harvest_object):
            return False
        feed = json.loads(harvest_object.content)
        previous = common.previous_current(harvest_object)
        package = common.existing_dataset(harvest_object, previous)
        existing = (tk.get_action("package_show")(dict(context, use_cache=False), {"id": package.id})
                    if package is not None else None)
        try:
            built = self._build(feed, existing)
        except (http.FetchError, *KINDS[feed["kind"]].errors) as error:
            reason = str(error) if str(error).endswith((".", "?", "!")) else f"{error}."
            kept = " The dataset and its tables were not changed." if package is not None else ""
            self._save_object_error(f"Feed {feed['id']} ({feed['kind']}): {reason}{kept}",
                                    harvest_object, "Import")
            return False

        dataset = built.dataset
        self._assign_resource_ids(dataset, existing)
        digest = hashlib.sha256(json.dumps(dataset, sort_keys=True).encode()).hexdigest()
        unchanged = package is not None and common.object_extra(previous, "metadata_hash") == digest
        for message in built.warnings:
            common.warn(harvest_object, f"feed {feed['id']}: {message}")

        if not unchanged:
            if not common.write_dataset(context, harvest_object, previous, package, dataset,
                                        f"Feed {harvest_object.guid}"):
                return False
            package_id = dataset["id"]
        else:
            package_id = package.id
        try:
            self._load_tables(context, dataset, built.tables)
        except Exception as error:  # a failed load is rolled back; the history stays as it was
            log.exception("DataStore load of feed %s failed", feed["id"])
            self._save_object_error(f"Feed {feed['id']}: loading the DataStore table failed ({error}); "
                                    "the table keeps its earlier rows.", harvest_object, "Import")
            return False
        if unchanged:
            harvest_object.extras.append(HarvestObjectExtra(key="metadata_hash", value=digest))
            common.carry_over(previous, harvest_object, package_id)
            return "unchanged"
        harvest_object.extras.append(HarvestObjectExtra(key="metadata_hash", value=digest))
        harvest_object.add()
        model.Session.commit()
        return True

    def _build(self, feed, existing):
        limits = {"purpose": http.HARVEST, "timeout": feed["timeout"],
                  "max_bytes": int(feed["max_mb"] * 1024 * 1024)}
        return KINDS[feed["kind"]].build(feed, existing, limits)

    @staticmethod
    def _assign_resource_ids(dataset, existing):
        by_role = {r.get("feed_role"): r["id"] for r in (existing or {}).get("resources", []) if r.get("feed_role")}
        site = tk.config.get("ckan.site_url").rstrip("/")
        for resource in dataset["resources"]:
            resource["id"] = by_role.get(resource["feed_role"]) or str(uuid.uuid4())
        ids = {r["feed_role"]: r["id"] for r in dataset["resources"]}
        for resource in dataset["resources"]:
            if resource.get("datastore_table"):
                resource["url"] = f"{site}/datastore/dump/{resource['id']}"
                resource["url_type"] = "datastore"
                resource["datastore_active"] = True
            if resource.get("geojson_of"):
                resource["url"] = f"{site}/stadtwerke/geojson/{ids[resource['geojson_of']]}"

    @staticmethod
    def _load_tables(context, dataset, tables):
        ids = {r["feed_role"]: r["id"] for r in dataset["resources"]}
        for table in tables:
            resource_id = ids[table.role]
            bulk_tables.ensure_table(context, resource_id, table.columns, table.primary_key, table.indexes)
            _ensure_table_views(context, resource_id)
            if table.rows or table.replace:
                bulk_tables.load(resource_id, table.columns, table.rows, table.primary_key,
                                      replace=table.replace)


def _ensure_table_views(context, resource_id):
    """The site's default views of a DataStore table (the table preview), once.

    package_create makes a resource's default views without those that need
    the DataStore (create_datastore_views defaults to false), and the table
    comes after the dataset; so the views come here, when none exist yet.
    """
    if tk.get_action("resource_view_list")(dict(context), {"id": resource_id}):
        return
    resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    tk.get_action("resource_create_default_resource_views")(dict(context), {
        "resource": resource, "create_datastore_views": True})
