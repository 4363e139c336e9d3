"""What our harvesters share: the object that was current for a guid,
carrying it over when nothing changed, warnings on harvest objects, and the
strategy links (Handlungsfeld, project) of a source configuration."""
import uuid

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest.model import HarvestObject, HarvestObjectError

from ckanext.smartcityms import strategy

WARNING = "Warning: "


def previous_current(harvest_object):
    """The object that is current for the same guid before this one, if any."""
    return model.Session.query(HarvestObject).filter(
        HarvestObject.guid == harvest_object.guid,
        HarvestObject.current == True,  # noqa: E712  (SQL comparison)
        HarvestObject.id != harvest_object.id).first()


def active_package(package_id):
    package = model.Package.get(package_id) if package_id else None
    return package if package is not None and package.state == "active" else None


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
            tk.get_action("package_update")(dict(context), dict(dataset))
        else:
            dataset["id"] = str(uuid.uuid4())
            dataset["name"] = unique_name(dataset["name"])
            harvest_object.package_id = dataset["id"]
            harvest_object.add()
            # The dataset is indexed inside package_create, with its harvest object
            # (ckanext-harvest's index hook), so the object must exist first.
            model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
            model.Session.flush()
            tk.get_action("package_create")(dict(context), dict(dataset))
    except tk.ValidationError as error:
        model.Session.rollback()
        HarvestObjectError(message=f"{label}: invalid dataset: {error.error_summary} {error.error_dict}",
                           object=harvest_object, stage="Import").save()
        return False
    return True
