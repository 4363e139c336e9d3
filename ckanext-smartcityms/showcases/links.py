"""Which datasets a showcase uses, and which showcases use a dataset.

A showcase stores the ids of the datasets it uses (names change, ids do
not); editors and API clients may give names or ids. The index holds them
as `uses_datasets`, so the showcases of a dataset are one Solr query.
"""
import json

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.smartcityms.fields.lists import as_text_list
from ckanext.smartcityms.showcases import TYPE

MAX_DATASETS = 100  # a showcase that "uses" more is a catalogue, not an application
MAX_REFERENCE = 200  # characters of one dataset name or id
MAX_SHOWN = 50  # showcases listed on one dataset page or in its DCAT output
PREVIOUS = "smartcityms_showcase_previous_datasets"  # context key: the links before an update


def _references(value):
    if value is tk.missing or value in (None, "", []):
        return []
    if isinstance(value, str) and not value.lstrip().startswith("["):
        return [part.strip() for part in value.split(",") if part.strip()]
    try:
        return as_text_list(value)
    except (TypeError, ValueError):
        raise tk.Invalid(tk._("Expected a list of dataset names"))


def _dataset_id(reference, context):
    """The id of the active dataset `reference` names, if the editor may read it: a private
    dataset of another organization is "unknown", as if it did not exist (its id would be
    confirmed, and shown on a public showcase)."""
    package = model.Package.get(reference)
    if package is None or package.type != "dataset" or package.state != "active":
        return None
    if package.private:
        # only who is asking: package_create runs its validators with ignore_auth set, and
        # on an update the context holds the showcase itself as `package`, which
        # package_show's auth would judge instead of the dataset
        asking = {"user": context.get("user")}
        try:
            tk.check_access("package_show", asking, {"id": package.id})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            return None
    return package.id


def smartcityms_used_datasets(key, data, errors, context):
    """The datasets a showcase uses: names or ids in, a JSON list of ids stored."""
    references = _references(data.get(key))
    if len(references) > MAX_DATASETS:
        errors[key].append(tk._("At most {n} datasets").format(n=MAX_DATASETS))
        raise tk.StopOnError
    ids, unknown = [], []
    for reference in references:
        found = _dataset_id(reference[:MAX_REFERENCE], context)
        if found is None:
            unknown.append(reference[:MAX_REFERENCE])
        elif found not in ids:
            ids.append(found)
    if unknown:
        errors[key].append(tk._("No dataset of this portal is called {names}").format(
            names=", ".join(f'"{name}"' for name in unknown[:5])))
        raise tk.StopOnError
    if not ids:
        errors[key].append(tk._("Name at least one dataset of this portal"))
        raise tk.StopOnError
    data[key] = json.dumps(ids)


@tk.chained_action
def package_update(up_func, context, data_dict):
    """Keeps a showcase's links as they were before the update in the context,
    so that after_dataset_update tells the datasets it no longer uses too.
    (Validators cannot do this: they get a copy of the context.)"""
    package = model.Package.get((data_dict or {}).get("id") or (data_dict or {}).get("name") or "")
    if package is not None and package.type == TYPE:
        context[PREVIOUS] = stored_ids(package.extras.get("uses_datasets"))
    return up_func(context, data_dict)


def get_actions():
    return {"package_update": package_update}


def stored_ids(value):
    try:
        return as_text_list(value)
    except (TypeError, ValueError):
        return []


def showcases_of(dataset_id, context=None, rows=MAX_SHOWN):
    """Public showcases that use the dataset, newest first."""
    if not dataset_id:
        return []
    found = tk.get_action("package_search")(dict(context or {"ignore_auth": True}), {
        "q": "*:*", "fq": f'+dataset_type:{TYPE} +uses_datasets:"{dataset_id}"', "rows": rows,
        "sort": "metadata_created desc", "include_private": False})
    return found["results"]


def showcases_filed_under(field, slug, rows=MAX_SHOWN):
    """Public showcases of a Handlungsfeld or project (field `handlungsfeld` or `projekt`)."""
    found = tk.get_action("package_search")({}, {
        "q": "*:*", "fq": f'+dataset_type:{TYPE} +{field}:"{slug}"', "rows": rows,
        "sort": "metadata_created desc", "include_private": False})
    return found["results"]


def datasets_of(showcase_dict, context):
    """The datasets of a showcase the user may see, in the showcase's order."""
    shown = []
    for dataset_id in stored_ids(showcase_dict.get("uses_datasets"))[:MAX_DATASETS]:
        try:
            shown.append(tk.get_action("package_show")(dict(context), {"id": dataset_id}))
        except (tk.ObjectNotFound, tk.NotAuthorized):
            continue
    return [d for d in shown if d.get("state") == "active"]


def touched_datasets(context, showcase_dict):
    """Datasets whose pages and DCAT output a change of this showcase changes:
    the ones it uses now and the ones it used before."""
    now = stored_ids(showcase_dict.get("uses_datasets"))
    if not now and showcase_dict.get("id"):  # a deletion hands over only the id
        package = model.Package.get(showcase_dict["id"])
        now = stored_ids(package.extras.get("uses_datasets")) if package is not None else []
    return list(dict.fromkeys([*now, *context.get(PREVIOUS, [])]))


def is_showcase(pkg_dict):
    if pkg_dict.get("type"):
        return pkg_dict["type"] == TYPE
    package = model.Package.get(pkg_dict.get("id") or "") if pkg_dict.get("id") else None
    return package is not None and package.type == TYPE


def datasets_only_unless_asked(search_params):
    """A search that names no dataset type does not list showcases, as
    ckanext-harvest keeps harvest sources out; `fq=dataset_type:showcase`
    (and the /showcase pages) list them."""
    fq = search_params.get("fq") or ""
    fq_list = search_params.get("fq_list") or []
    if "dataset_type:" not in fq and not any("dataset_type:" in f for f in fq_list):
        search_params["fq"] = f"{fq} -dataset_type:{TYPE}".strip()
    return search_params


def get_validators():
    return {"smartcityms_used_datasets": smartcityms_used_datasets}
