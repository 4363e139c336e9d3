"""What our harvesters share: the object that was current for a guid,
carrying it over when nothing changed, warnings on harvest objects, and the
strategy links (Handlungsfeld, project) of a source configuration."""
import ckan.model as model
from ckanext.harvest.model import HarvestObject, HarvestObjectError

from ckanext.smartcityms import reference

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
    lookup = {"handlungsfeld": reference.handlungsfeld, "projekt": reference.projekt}[key]
    values = [values] if isinstance(values, str) else list(values or [])
    unknown = [str(v) for v in values if not lookup(str(v))]
    if unknown:
        raise ValueError(f"{key}: unknown value(s) {', '.join(unknown)}")
    return [lookup(str(v))["slug"] for v in values]
