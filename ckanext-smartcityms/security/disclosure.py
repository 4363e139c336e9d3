"""What the Action API shows a visitor who may not edit, and how long an
anonymous SQL search may run (issue 28, finding 7).

* `member_list` of an organization listed the ids of its private datasets
  to anyone; it now lists only the datasets the caller may read.
* Harvest sources: `harvest_source_list`, `harvest_source_show` and
  `package_show` of a source showed its URL and configuration (which can
  hold API keys or internal host names) to anyone; a caller who may not
  update the source sees neither.
* `datastore_search_sql` runs with a statement timeout of its own
  (`ckanext.smartcityms.sql_search_timeout_ms`; CKAN's default is 60 s, and
  one anonymous `generate_series` held a web server thread for seconds), and
  a call without `sql` is a validation error instead of a 500.
"""
import ckan.model as model
import ckan.plugins.toolkit as tk

HIDDEN_SOURCE_FIELDS = ("url", "config")


def _may(action, context, data_dict):
    try:
        tk.check_access(action, dict(context), data_dict)
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


@tk.chained_action
@tk.side_effect_free
def member_list(original, context, data_dict):
    members = original(context, data_dict)
    package_ids = [member[0] for member in members if member[1] == "package"]
    if not package_ids:
        return members
    private = {row.id for row in model.Session.query(model.Package.id).filter(
        model.Package.id.in_(package_ids), model.Package.private.is_(True))}
    hidden = {package_id for package_id in private if not _may("package_show", context, {"id": package_id})}
    return [member for member in members if member[0] not in hidden]


def without_source_secrets(context, source):
    """`source` (a harvest source as a dict) without URL and configuration unless the caller may update it."""
    if source.get("id") and not _may("harvest_source_update", context, {"id": source["id"]}):
        for field in HIDDEN_SOURCE_FIELDS:
            if field in source:
                source[field] = None if field == "config" else ""
    return source


def dataset_without_source_secrets(context, dataset):
    """The same for a dataset dict, which is a harvest source when its type is `harvest`."""
    return without_source_secrets(context, dataset) if dataset.get("type") == "harvest" else dataset


@tk.chained_action
@tk.side_effect_free
def harvest_source_list(original, context, data_dict):
    return [without_source_secrets(context, source) for source in original(context, data_dict)]


@tk.chained_action
@tk.side_effect_free
def datastore_search_sql(original, context, data_dict):
    if not isinstance(data_dict.get("sql"), str) or not data_dict["sql"].strip():
        raise tk.ValidationError({"sql": [tk._("Missing value")]})
    context.setdefault("query_timeout", tk.config.get("ckanext.smartcityms.sql_search_timeout_ms"))
    return original(context, data_dict)


def get_actions():
    return {"member_list": member_list, "harvest_source_list": harvest_source_list,
            "datastore_search_sql": datastore_search_sql}
