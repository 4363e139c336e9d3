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

from ckanext.smartcityms import datastore_tables, feed_status
from ckanext.smartcityms.harvesters import common, http
from ckanext.smartcityms.harvesters import stadtwerke_datasets as datasets
from ckanext.smartcityms.harvesters.busradar import BusradarError
from ckanext.smartcityms.harvesters.geojson_layer import LayerError
from ckanext.smartcityms.harvesters.gtfs import GtfsError
from ckanext.smartcityms.harvesters.parking import ParkingError
from ckanext.smartcityms.harvesters.stadtwerke_feeds import parse_config

log = logging.getLogger(__name__)
FEED_ERRORS = (http.FetchError, GtfsError, BusradarError, LayerError, ParkingError, ValueError)
UNCHANGED_MONTHS_BEFORE = 1  # the current and the previous month are re-read: late rows arrive


def months_between(first, now):
    year, month = int(first[:4]), int(first[5:])
    while (year, month) <= (now.year, now.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


class StadtwerkeHarvester(HarvesterBase, plugins.SingletonPlugin):
    plugins.implements(IHarvester)

    def info(self):
        return {"name": "stadtwerke_ms", "title": "Stadtwerke Münster / Stadt Münster feeds",
                "description": "Timetables (GTFS), live buses, mobility stations, parking and "
                               "monthly time series, one dataset per feed, live values in the DataStore"}

    def validate_config(self, config):
        parse_config(config)
        return config

    # -------------------------------------------------------------- gather

    def gather_stage(self, harvest_job):
        try:
            config = parse_config(harvest_job.source.config)
        except ValueError as error:
            self._save_gather_error(f"The source configuration is not valid: {error}. Nothing was changed.",
                                    harvest_job)
            return []
        current = dict(model.Session.query(HarvestObject.guid, HarvestObject.package_id).filter(
            HarvestObject.current == True,  # noqa: E712
            HarvestObject.harvest_source_id == harvest_job.source.id).all())
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
        for guid, package_id in current.items():
            if guid in configured:
                continue
            obj = HarvestObject(guid=guid, job=harvest_job, package_id=package_id,
                                extras=[HarvestObjectExtra(key="status", value="delete")])
            model.Session.query(HarvestObject).filter_by(
                guid=guid, harvest_source_id=harvest_job.source.id).update({"current": False}, False)
            obj.save()
            object_ids.append(obj.id)
        return object_ids

    @staticmethod
    def _due(feed, package_id, now):
        last = feed_status.last_success(package_id)
        return last is None or (now - last).total_seconds() >= feed["every_minutes"] * 60

    def fetch_stage(self, harvest_object):
        return True  # each feed is downloaded in its import, so a failure stays with that feed

    # -------------------------------------------------------------- import

    def import_stage(self, harvest_object):
        context = {"user": self._get_user_name(), "ignore_auth": True}
        if common.object_extra(harvest_object, "status") == "delete":
            return common.delete_withdrawn(context, harvest_object)

        feed = json.loads(harvest_object.content)
        previous = common.previous_current(harvest_object)
        package = common.active_package(previous.package_id) if previous is not None else None
        existing = (tk.get_action("package_show")(dict(context, use_cache=False), {"id": package.id})
                    if package is not None else None)
        try:
            built = self._build(feed, existing)
        except FEED_ERRORS as error:
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
        limits = {"timeout": feed["timeout"], "max_bytes": int(feed["max_mb"] * 1024 * 1024)}
        kind = feed["kind"]
        if kind == "timeseries_csv":
            return self._build_timeseries(feed, existing, limits)
        raw, _ = http.fetch(feed["url"], **limits)
        builder = {"gtfs": datasets.build_gtfs, "realtime": datasets.build_realtime,
                   "geojson": datasets.build_geojson, "parking": datasets.build_parking}[kind]
        return builder(feed, raw)

    def _build_timeseries(self, feed, existing, limits):
        """Reads the months that are new or may still change; older known months are kept as they are."""
        known = {r["feed_role"][6:]: r for r in (existing or {}).get("resources", [])
                 if str(r.get("feed_role", "")).startswith("month:")}
        now = datetime.date.today()
        recent = {m for m in months_between(
            f"{(now.replace(day=1) - datetime.timedelta(days=UNCHANGED_MONTHS_BEFORE * 28)):%Y-%m}", now)}
        months, problems = {}, []

        def keep_known(month, url, problem=None):
            """A month we cannot (or need not) read now keeps what an earlier run loaded."""
            if problem:
                problems.append(problem)
            if month in known:
                months[month] = (url, None, known[month].get("hash"), None)

        for month in months_between(feed["since"], now):
            url = feed["url"].replace("{month}", month)
            if month in known and month not in recent:
                keep_known(month, url)
                continue
            try:
                response = http.fetch_response(url, **limits)
            except http.FetchError as error:
                keep_known(month, url, f"{month}: {error}; tried again on the next run")
                continue
            if response.status == 404:  # not published (yet); published once and gone: say so
                keep_known(month, url, f"{month}: {url} answered 404; the month is kept from an earlier run"
                           if month in known else None)
                continue
            if response.status >= 400:
                keep_known(month, url, f"{month}: {url} answered HTTP {response.status}; tried again on the next run")
                continue
            digest = datasets.sha256(response.body)
            if month in known and known[month].get("hash") == digest:
                keep_known(month, url)
                continue
            try:
                reading = datasets.read_month(feed, response.body)
            except ValueError as error:
                keep_known(month, url, f"{month}: {error}; month not loaded")
                continue
            months[month] = (url, response.body, digest, reading)
        if not months:
            raise ValueError("no monthly file could be read" + (": " + "; ".join(problems[:5]) if problems else ""))
        previous_table = next((r for r in (existing or {}).get("resources", [])
                               if r.get("feed_role") == "measurements"), {})
        previous_columns = json.loads(previous_table.get("feed_columns") or "[]")
        built, columns = datasets.build_timeseries(feed, months, previous_columns)
        table = built.tables[0]
        next(r for r in built.dataset["resources"] if r["feed_role"] == "measurements")[
            "feed_columns"] = json.dumps(columns, ensure_ascii=False)
        table.rows = [row for month in sorted(months) if months[month][3] is not None
                      and months[month][3].columns == columns
                      for row in datasets.timeseries_rows(months[month][3])]
        built.warnings[:0] = problems
        return built

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
            datastore_tables.ensure_table(context, resource_id, table.columns, table.primary_key, table.indexes)
            if table.rows or table.replace:
                datastore_tables.load(resource_id, table.columns, table.rows, table.primary_key,
                                      replace=table.replace)
