"""openSenseMap harvester (`opensensemap`): every senseBox in an area as a dataset.

Gather reads the box list once (one request), keeps boxes whose *current*
location lies in the bbox (the API also returns boxes that were there once),
and stores each box in its harvest object (guid = box id). Boxes of earlier
runs that are missing from the list are checked one by one: only a box the
API answers 404 for is withdrawn. A failed or unreadable list ends the job
with a gather error and changes nothing. A box whose metadata hash equals
that of its current object is "not modified" already in gather and is not
queued (common.unchanged_objects). Import maps the box with
opensensemap_mapping; a box found unchanged there is not rewritten either.
"""
import datetime
import json
import logging
import uuid

import ckan.model as model
import ckan.plugins as plugins
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.smartcityms.harvesters import common
from ckanext.smartcityms.reference import geocoding
from ckanext.smartcityms.harvesters.cli import HarvestCommands
from ckanext.smartcityms.harvesters.source_config import SourceConfig
from ckanext.smartcityms.harvesters.opensensemap import mapping
from ckanext.smartcityms.harvesters.opensensemap.api import (
    PUBLIC_API, OpenSenseMapClient, OpenSenseMapError)

log = logging.getLogger(__name__)

DEFAULTS = {
    "api_url": PUBLIC_API,
    "bbox": list(geocoding.BBOX),
    "grouptag": None,
    "exposure": None,
    "box_ids": None,
    "organization": None,
    "handlungsfeld": ["umwelt-energie-klima"],
    "projekt": ["sensebox"],
    "inactive_after_days": 30,
    "location_precision": 100,
    "timeout": 60,
    "retries": 3,
    "backoff": 5,
    "max_mb": 200,
}
EXPOSURES = {"indoor", "outdoor", "mobile", "unknown"}


def _check(config):
    bbox = config["bbox"]
    if (not isinstance(bbox, list) or len(bbox) != 4
            or not all(isinstance(v, (int, float)) for v in bbox)
            or not (bbox[0] < bbox[2] and bbox[1] < bbox[3])):
        raise ValueError("bbox must be [west, south, east, north] in degrees, west < east, south < north")
    if not str(config["api_url"]).startswith(("http://", "https://")):
        raise ValueError("api_url must be an http(s) URL")
    if config["exposure"] is not None:
        exposure = config["exposure"] if isinstance(config["exposure"], list) else [config["exposure"]]
        if not exposure or set(exposure) - EXPOSURES:
            raise ValueError(f"exposure must be one or more of {', '.join(sorted(EXPOSURES))}")
        config["exposure"] = exposure
    if config["box_ids"] is not None and (not isinstance(config["box_ids"], list)
                                          or not all(isinstance(b, str) for b in config["box_ids"])):
        raise ValueError("box_ids must be a list of box ids")
    for key in ("handlungsfeld", "projekt"):
        config[key] = common.strategy_slugs(key, config[key])
    if not config["handlungsfeld"]:
        raise ValueError("handlungsfeld needs at least one Handlungsfeld")
    for key in ("inactive_after_days", "location_precision", "timeout", "max_mb"):
        if not isinstance(config[key], (int, float)) or config[key] <= 0:
            raise ValueError(f"{key} must be a positive number")
    for key in ("retries", "backoff"):
        if not isinstance(config[key], (int, float)) or config[key] < 0:
            raise ValueError(f"{key} must be zero or a positive number")
    return config


def _digest(box, config, now):
    """The box's metadata hash as its import computes it; None for a box that fails there."""
    try:
        return mapping.metadata_hash(box, mapping.is_inactive(box, config["inactive_after_days"], now))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


SOURCE_CONFIG = SourceConfig(DEFAULTS, _check, organizations=lambda config: [config["organization"]])
parse_config = SOURCE_CONFIG.parse


class OpenSenseMapHarvester(HarvestCommands, HarvesterBase, plugins.SingletonPlugin):
    plugins.implements(IHarvester)
    plugins.implements(plugins.IClick)

    def info(self):
        return {"name": "opensensemap", "title": "openSenseMap",
                "description": "senseBox environmental sensors from openSenseMap, one dataset per box"}

    def validate_config(self, config):
        return SOURCE_CONFIG.validate(config)

    def _client(self, config):
        return OpenSenseMapClient(config["api_url"], timeout=config["timeout"], retries=config["retries"],
                                  backoff=config["backoff"], max_bytes=int(config["max_mb"] * 1024 * 1024))

    # -------------------------------------------------------------- gather

    @common.gather_errors_contained
    def gather_stage(self, harvest_job):
        config = SOURCE_CONFIG.for_gather(self, harvest_job)
        if config is None:
            return []
        client = self._client(config)
        try:
            boxes = client.boxes(bbox=config["bbox"], grouptag=config["grouptag"],
                                 exposure=config["exposure"])
        except OpenSenseMapError as error:
            self._save_gather_error(f"Could not read the box list: {error}. Nothing was changed.", harvest_job)
            return []

        wanted, seen = [], set()
        for box in boxes:
            box_id = str(box.get("_id") or "") if isinstance(box, dict) else ""
            if not box_id or box_id in seen:
                continue
            if config["box_ids"] and box_id not in config["box_ids"]:
                continue
            try:
                mapping.coordinates(box)
            except mapping.BoxError as error:
                self._save_gather_error(f"Box {box_id} skipped: {error}", harvest_job)
                continue
            if not mapping.in_bbox(box, config["bbox"]):
                continue  # was in the area once, is elsewhere now
            seen.add(box_id)
            wanted.append(box)

        first_with, counts = {}, {}
        for box in wanted:
            try:
                titles = {s["title"] for s in mapping.sensors(box) if not mapping.phenomenon(s["title"])}
            except mapping.BoxError:
                continue  # the box fails alone, at its import
            for title in titles:
                first_with.setdefault(title, str(box["_id"]))
                counts[title] = counts.get(title, 0) + 1
        object_ids, unchanged = [], []
        known, now = common.current_digests(harvest_job.source.id), datetime.datetime.now(datetime.timezone.utc)
        for box in wanted:
            box_id, content = str(box["_id"]), json.dumps(box, sort_keys=True)
            digest = _digest(box, config, now)
            if digest is not None and known.get(box_id, (None, None, None))[2] == digest:
                unchanged.append((box_id, content, known[box_id]))
                continue
            mine = {title: counts[title] for title, first in sorted(first_with.items()) if first == box_id}
            extras = [HarvestObjectExtra(key="unknown_phenomena", value=json.dumps(mine, ensure_ascii=False))] \
                if mine else []
            obj = HarvestObject(id=str(uuid.uuid4()), guid=box_id, job=harvest_job, content=content, extras=extras)
            model.Session.add(obj)
            object_ids.append(obj.id)
        common.unchanged_objects(harvest_job, unchanged)
        model.Session.commit()
        object_ids.extend(self._withdrawn_boxes(harvest_job, seen, client))
        return object_ids

    def _withdrawn_boxes(self, harvest_job, seen, client):
        object_ids = []
        for guid, package_id in common.current_objects(harvest_job.source.id):
            if guid in seen:
                continue
            try:
                still_there = client.box(guid) is not None
            except OpenSenseMapError as error:
                self._save_gather_error(f"Box {guid} is missing from the list but could not be checked "
                                        f"({error}); it stays in the catalogue.", harvest_job)
                continue
            if still_there:
                continue  # moved out of the area or filtered out: not withdrawn
            object_ids.append(common.withdraw(harvest_job, guid, package_id))
        return object_ids

    def fetch_stage(self, harvest_object):
        return True  # the box list already holds everything a dataset needs

    # -------------------------------------------------------------- import

    @common.object_errors_contained
    def import_stage(self, harvest_object):
        context = {"user": self._get_user_name(), "ignore_auth": True}
        if common.object_extra(harvest_object, "status") == "delete":
            return common.delete_withdrawn(context, harvest_object)

        config = SOURCE_CONFIG.for_import(self, harvest_object)
        if config is None or common.refuse_guid_of_another_source(self, harvest_object):
            return False
        try:
            box = json.loads(harvest_object.content)
            now = datetime.datetime.now(datetime.timezone.utc)
            inactive = mapping.is_inactive(box, config["inactive_after_days"], now)
            digest = mapping.metadata_hash(box, inactive)
            dataset, _unknown, notes = mapping.dataset_for_box(box, config, now)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            self._save_object_error(f"Box {harvest_object.guid} cannot be used: {error}", harvest_object, "Import")
            return False

        previous = common.previous_current(harvest_object)
        package = common.existing_dataset(harvest_object, previous)
        if package is not None and common.object_extra(previous, "metadata_hash") == digest:
            harvest_object.extras.append(HarvestObjectExtra(key="metadata_hash", value=digest))
            common.carry_over(previous, harvest_object, package.id)
            return "unchanged"

        for note in notes:
            common.warn(harvest_object, f"box {harvest_object.guid}: {note}")
        # Unknown phenomena are reported once per job, on the first box that has them (see gather).
        for title, count in json.loads(common.object_extra(harvest_object, "unknown_phenomena") or "{}").items():
            common.warn(harvest_object, f"sensor title {title!r} is not in our list of phenomena; kept as it "
                                        f"is ({count} box(es) in this job)")
        harvest_object.extras.append(HarvestObjectExtra(key="metadata_hash", value=digest))
        return common.write_dataset(context, harvest_object, previous, package, dataset,
                                    f"Box {harvest_object.guid}")
