"""Rows written through the DataStore's own actions change the table's revision.

The datastore_* actions write rows without touching the dataset, so nothing
else tells an archive (downloads) that its copy of the table is out of date.
"""
import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cache


def _bumping(name):
    @tk.chained_action
    def action(original_action, context, data_dict):
        result = original_action(context, data_dict)
        resource_id = (result or {}).get("resource_id") if isinstance(result, dict) else None
        resource_id = resource_id or data_dict.get("resource_id") or (data_dict.get("resource") or {}).get("id")
        if resource_id:
            cache.table_changed(resource_id)
        return result
    action.__name__ = name
    return action


def get_actions():
    return {name: _bumping(name) for name in
            ("datastore_create", "datastore_upsert", "datastore_delete", "datastore_records_delete")}
