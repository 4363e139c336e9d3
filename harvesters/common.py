"""What our harvesters share: keeping each object's failure its own, the
source's own previous objects (never another source's), withdrawal, carrying
an unchanged dataset over, warnings on harvest objects, the strategy links
(Handlungsfeld, project) and organization of a source configuration, and
writing a dataset."""
import datetime
import functools
import logging
import uuid

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest.model import HarvestObject, HarvestObjectError, HarvestObjectExtra

from ckanext.smartcityms import strategy
from ckanext.smartcityms.harvesters import outage
from ckanext.smartcityms.web import sensor_views

WARNING = "Warning: "
DATASET_IDS = uuid.UUID("5b1e8a52-3f0c-4c8e-9d8e-6d756e737465")  # namespace of harvested datasets' ids
log = logging.getLogger(__name__)


def _short(error):
    return f"{error.__class__.__name__}: {str(error)[:300]}"


def object_errors_contained(method):
    """For import_stage: whatever one object raises becomes that object's error, never a dead consumer.

    Except when a service the portal needs does not answer: then nothing is
    the object's fault, and `outage.ServiceOutage` goes up to the consumer,
    which waits for the service and runs the object again.
    """
    @functools.wraps(method)
    def guarded(self, harvest_object):
        try:
            return method(self, harvest_object)
        except Exception as error:  # noqa: BLE001  (the point: nothing escapes to the consumer)
            try:
                model.Session.rollback()
            except Exception:  # noqa: BLE001  (a dead connection cannot roll back; it is dropped)
                model.Session.remove()
            outage.raise_if_outage(error)
            log.exception("Import of harvest object %s failed", harvest_object.id)
            self._save_object_error(f"{harvest_object.guid}: the import failed unexpectedly ({_short(error)}); "
                                    "the dataset was not changed.", harvest_object, "Import")
            return False
    return guarded


def gather_errors_contained(method):
    """For gather_stage: an unexpected exception is the job's gather error; nothing is changed."""
    @functools.wraps(method)
    def guarded(self, harvest_job):
        try:
            return method(self, harvest_job)
        except Exception as error:  # noqa: BLE001
            model.Session.rollback()
            log.exception("Gather of harvest job %s failed", harvest_job.id)
            self._save_gather_error(f"The gather stage failed unexpectedly ({_short(error)}). "
                                    "Nothing was changed.", harvest_job)
            return []
    return guarded


def previous_current(harvest_object):
    """The object of the same source that is current for the same guid before this one, if any.

    Only this source's objects: a guid another source also uses (a box id,
    a feed id) must never lead to that source's dataset.
    """
    return model.Session.query(HarvestObject).filter(
        HarvestObject.guid == harvest_object.guid,
        HarvestObject.harvest_source_id == harvest_object.harvest_source_id,
        HarvestObject.current == True,  # noqa: E712  (SQL comparison)
        HarvestObject.id != harvest_object.id).first()


def current_objects(source_id):
    """(guid, package_id) of every object that is current for the source."""
    return model.Session.query(HarvestObject.guid, HarvestObject.package_id).filter(
        HarvestObject.current == True,  # noqa: E712
        HarvestObject.harvest_source_id == source_id).all()


def current_digests(source_id):
    """{guid: (object id, package id, metadata hash)} of the source's current objects
    whose dataset is still active: what a gather compares new content with."""
    rows = model.Session.query(HarvestObject.guid, HarvestObject.id, HarvestObject.package_id,
                               HarvestObjectExtra.value).join(
        HarvestObjectExtra, sa.and_(HarvestObjectExtra.harvest_object_id == HarvestObject.id,
                                    HarvestObjectExtra.key == "metadata_hash")).join(
        model.Package, model.Package.id == HarvestObject.package_id).filter(
        HarvestObject.harvest_source_id == source_id,
        HarvestObject.current == True,  # noqa: E712
        model.Package.state == "active").all()
    return {guid: (object_id, package_id, digest) for guid, object_id, package_id, digest in rows}


def unchanged_objects(harvest_job, unchanged):
    """In gather: items whose metadata hash equals that of their current object.

    `unchanged` holds (guid, content, (object id, package id, digest)). Each
    becomes a finished object ("not modified") that is current for the
    existing dataset, and is never queued: an unchanged re-harvest of
    thousands of items costs one gather instead of a fetch message, an import
    and several commits per item. Added to the session; the caller commits.
    """
    now = datetime.datetime.utcnow()
    previous_ids = [known[0] for _guid, _content, known in unchanged]
    for start in range(0, len(previous_ids), 1000):
        model.Session.query(HarvestObject).filter(HarvestObject.id.in_(previous_ids[start:start + 1000])).update(
            {"current": False}, synchronize_session=False)
    for guid, content, (_previous_id, package_id, digest) in unchanged:
        model.Session.add(HarvestObject(
            id=str(uuid.uuid4()), guid=guid, job=harvest_job, content=content, package_id=package_id,
            current=True, state="COMPLETE", report_status="not modified", fetch_started=now,
            fetch_finished=now, import_started=now, import_finished=now,
            extras=[HarvestObjectExtra(key="metadata_hash", value=digest)]))


def withdraw(harvest_job, guid, package_id):
    """A `status: delete` object for a dataset of this job's source gone from the source; its id.

    Only this source's objects stop being current (another source's object
    with the same guid is not ours to change).
    """
    obj = HarvestObject(guid=guid, job=harvest_job, package_id=package_id,
                        extras=[HarvestObjectExtra(key="status", value="delete")])
    model.Session.query(HarvestObject).filter_by(
        guid=guid, harvest_source_id=harvest_job.source.id).update({"current": False}, False)
    obj.save()
    return obj.id


def guid_of_another_source(harvest_object):
    """The id of another source whose current object has this guid, or None."""
    row = model.Session.query(HarvestObject.harvest_source_id).filter(
        HarvestObject.guid == harvest_object.guid,
        HarvestObject.harvest_source_id != harvest_object.harvest_source_id,
        HarvestObject.current == True).first()  # noqa: E712
    return row[0] if row else None


def refuse_guid_of_another_source(harvester, harvest_object):
    """True (after an object error) when another source already harvests this guid."""
    other = guid_of_another_source(harvest_object)
    if other is None:
        return False
    harvester._save_object_error(
        f"{harvest_object.guid}: another harvest source ({other}) already harvests this guid; "
        "its dataset was not touched and none was created.", harvest_object, "Import")
    return True


def check_organization(harvest_source, organization):
    """ValueError unless the source's creator may create datasets in `organization` (name or id).

    The option lets one source publish under another organization than its
    own; it must not let an editor place datasets where they have no rights.
    """
    if not organization:
        return None
    import ckan.authz as authz
    org = model.Group.get(organization)
    if org is None or not org.is_organization or org.state != "active":
        raise ValueError(f"organization {organization!r} does not exist")
    source = model.Package.get(harvest_source.id)
    if source is not None and org.id == source.owner_org:
        return org.id
    creator = model.User.get(source.creator_user_id) if source is not None and source.creator_user_id else None
    if creator is None or not (creator.sysadmin or authz.has_user_permission_for_group_or_org(
            org.id, creator.name, "create_dataset")):
        raise ValueError(f"organization {org.name!r}: the creator of this source may not create datasets there")
    return org.id


def active_package(package_id):
    package = model.Package.get(package_id) if package_id else None
    return package if package is not None and package.state == "active" else None


def existing_dataset(harvest_object, previous):
    """The active dataset this object's import updates, or None for a new one.

    Its own dataset when an earlier run of this very object already wrote it
    (an import that is run again after an outage, see outage.py), so a second
    run never creates a second dataset; else the previous object's.
    """
    if harvest_object.current and harvest_object.package_id:
        own = active_package(harvest_object.package_id)
        if own is not None:
            return own
    return active_package(previous.package_id) if previous is not None else None


def carry_over(previous, harvest_object, package_id):
    """Nothing changed: this object becomes current for the existing dataset."""
    previous.current = False
    previous.add()
    harvest_object.current = True
    harvest_object.package_id = package_id
    harvest_object.add()
    model.Session.commit()


def warn(harvest_object, message):
    """A problem that did not stop the import, shown with the object's errors."""
    HarvestObjectError(message=WARNING + message, object=harvest_object, stage="Import").save()


def strategy_slugs(key, values):
    """Slugs for the `handlungsfeld` or `projekt` values of a source configuration.

    Accepts one value or a list, each a slug, beta name or title; ValueError
    names the values that are unknown.
    """
    lookup = {"handlungsfeld": strategy.handlungsfeld, "projekt": strategy.projekt}[key]
    values = [values] if isinstance(values, str) else list(values or [])
    unknown = [str(v) for v in values if not lookup(str(v))]
    if unknown:
        raise ValueError(f"{key}: unknown value(s) {', '.join(unknown)}")
    return [lookup(str(v))["slug"] for v in values]


def object_extra(harvest_object, key):
    """The extra `key` of `harvest_object`; None without one (or without an object)."""
    if harvest_object is None:
        return None
    return next((extra.value for extra in harvest_object.extras if extra.key == key), None)


def delete_withdrawn(context, harvest_object):
    """Import of a `status: delete` object: the dataset goes (a missing one is fine)."""
    try:
        tk.get_action("package_delete")(dict(context), {"id": harvest_object.package_id})
    except tk.ObjectNotFound:
        pass
    return True


def unique_name(name):
    candidate, number = name, 1
    while model.Package.by_name(candidate) is not None:
        number += 1
        candidate = f"{name}-{number}"
    return candidate


def _index_as_stored(package_id):
    """After a failed write: the index shows what the database holds for `package_id`.

    CKAN indexes a dataset before it commits it; when the commit fails (the
    database went away), the index would list a dataset that does not exist,
    or a version that was never stored. Best effort: with a service away,
    the object's next run (same dataset id) indexes it again.
    """
    from ckan.lib import search
    try:
        model.Session.rollback()
        if model.Package.get(package_id) is None:
            search.index_for("package").delete_package({"id": package_id})
        else:
            search.rebuild(package_id)
    except Exception as error:  # noqa: BLE001  (the write's own error is the one to report)
        log.warning("Could not bring the index of dataset %s in line with the database: %s", package_id, error)


def write_dataset(context, harvest_object, previous, package, dataset, label):
    """Create or update the dataset of `harvest_object`, which becomes the current object.

    An invalid dataset is rolled back and reported on the object as
    "<label>: invalid dataset: …"; returns whether the dataset was written.
    """
    if not dataset.get("owner_org"):
        source_dataset = model.Package.get(harvest_object.source.id)
        dataset["owner_org"] = source_dataset.owner_org if source_dataset else None
    dataset["extras"] = [{"key": "guid", "value": harvest_object.guid}]
    if previous is not None:
        previous.current = False
        previous.add()
    harvest_object.current = True
    try:
        if package is not None:
            dataset["id"], dataset["name"] = package.id, package.name
            harvest_object.package_id = package.id
            harvest_object.add()
            written = tk.get_action("package_update")(dict(context), dict(dataset))
        else:
            # One id per harvest object, so that an import run again after an outage
            # overwrites whatever the failed run left in the index.
            dataset["id"] = str(uuid.uuid5(DATASET_IDS, harvest_object.id))
            dataset["name"] = unique_name(dataset["name"])
            harvest_object.package_id = dataset["id"]
            harvest_object.add()
            # The dataset is indexed inside package_create, with its harvest object
            # (ckanext-harvest's index hook), so the object must exist first.
            model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
            model.Session.flush()
            written = tk.get_action("package_create")(dict(context), dict(dataset))
    except tk.ValidationError as error:
        model.Session.rollback()
        HarvestObjectError(message=f"{label}: invalid dataset: {error.error_summary} {error.error_dict}",
                           object=harvest_object, stage="Import").save()
        return False
    except Exception:
        _index_as_stored(dataset["id"])
        raise
    if sensor_views.add_missing_views(written):
        model.Session.commit()
    return True
