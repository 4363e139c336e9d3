"""`smartcityms_table_chart`: a time series drawn from a DataStore table.

Added by the upload pipeline (datastore/uploads.py) to tables with a date or
timestamp column and a numeric one, after their columns were typed. The page
reads the newest rows through `datastore_search` in the browser and draws
them with the sensor chart's script (a line, a text summary and a table).
"""
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.smartcityms.datastore import uploads

MAX_POINTS = 2000


class TableChartView(p.SingletonPlugin):
    p.implements(p.IResourceView, inherit=True)

    def info(self):
        return {"name": uploads.CHART_VIEW, "title": tk._("Time series"), "icon": "chart-line",
                "default_title": tk._("Time series"), "iframed": True}

    def can_view(self, data_dict):
        resource = data_dict["resource"]
        return bool(resource.get("datastore_active")) and uploads.chart_axes(resource["id"]) is not None

    def setup_template_variables(self, context, data_dict):
        resource = data_dict["resource"]
        time_field, value_field = uploads.chart_axes(resource["id"]) or ("", "")
        url = tk.url_for("api.action", ver=3, logic_function="datastore_search", resource_id=resource["id"],
                         fields=f"{time_field},{value_field}", sort=f'"{time_field}" desc', limit=MAX_POINTS)
        return {"chart_url": url, "time_field": time_field, "value_field": value_field}

    def view_template(self, context, data_dict):
        return "table_chart.html"
