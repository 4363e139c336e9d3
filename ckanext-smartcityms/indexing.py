"""What the search index gets from a dataset (IPackageController.before_dataset_index).

List fields are stored as JSON strings; Solr gets real lists so that
`fq=handlungsfeld:<slug>` and facets work (solr/schema-additions.xml).
"""
import json

LIST_FIELDS = ("handlungsfeld", "projekt", "phenomena", "sensor_types")


def index_lists(pkg_dict):
    for field in LIST_FIELDS:
        value = pkg_dict.get(field)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        if value:
            pkg_dict[field] = value if isinstance(value, list) else [value]
        else:
            pkg_dict.pop(field, None)
    return pkg_dict
