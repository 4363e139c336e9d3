"""Tables that editors upload or link, loaded into the DataStore by ckanext-xloader.

xloader does the loading (through the job worker, PostgreSQL COPY) and keeps
the load status and log for editors (the resource's "DataStore" tab). This
module is what the portal adds around it:

* `refusal`: which resources xloader must not touch. Resources of harvested
  datasets are filled by our harvesters' own bulk loads; loading them again
  would replace their typed, keyed tables with text copies. A linked URL is
  first followed through the guarded client (every redirect hop judged), so a
  link to an internal address is refused before xloader requests it.
* `loaded`: after a load, the text columns are typed in SQL (column_types:
  German decimal commas and dates) and the chart view is added for tables
  with a time and a number column, in a job of the worker queued behind
  xloader's own job.
* `token`: xloader calls back into CKAN with an API token. Instead of a
  secret to copy into every configuration, the site user's own token is made
  once, in the database, and read from there.
"""
import datetime
import json
import logging
import re
import secrets

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import api_token

from ckanext.smartcityms.datastore import column_types, workbooks
from ckanext.smartcityms.outbound import http

log = logging.getLogger(__name__)

TOKEN_NAME = "smartcityms-xloader"
LINK_CHECK_SECONDS = 20
CHART_VIEW = "smartcityms_table_chart"
NOT_A_MEASUREMENT = re.compile(
    r"(^|[^a-zäöüß])(id|plz|postleitzahl|hausnummer|nummer|nr|kennung|code|schlüssel|jahr|year|lat|lon|lng"
    r"|latitude|longitude|breitengrad|längengrad|rechtswert|hochwert|x|y)([^a-zäöüß]|$)", re.IGNORECASE)
WITH_UNIT = re.compile(r"\[[^\]]+\]|\((°?[A-Za-z%µ/²³°]{1,8})\)$")
NUMERIC_TYPES = ("numeric", "int", "int4", "int8", "bigint", "float8", "float4", "integer")


def _harvested(package_id):
    from ckanext.harvest.model import HarvestObject
    return model.Session.query(HarvestObject.id).filter(
        HarvestObject.package_id == package_id, HarvestObject.current.is_(True)).first() is not None


def refusal(resource):
    """Why `resource` (a dict) is not to be loaded by xloader, or None."""
    if _harvested(resource["package_id"]):
        return "harvested"  # not an error: the harvester keeps its own table
    if resource.get("url_type") == "upload":
        return _unsafe_workbook(resource)
    try:
        http.fetch_response(resource.get("url") or "", purpose=http.TABLE_IMPORT, timeout=LINK_CHECK_SECONDS,
                            max_bytes=0, read_body=False)
    except http.FetchError as error:
        return tk._("The linked file was not loaded into the DataStore: {reason}").format(reason=error)
    return None


def _unsafe_workbook(resource):
    """Why an uploaded spreadsheet must not be parsed (a DTD or entities in its XML, a zip bomb), or None."""
    from ckan.lib.uploader import get_resource_uploader
    try:
        path = get_resource_uploader(dict(resource)).get_path(resource["id"])
        with open(path, "rb") as upload:
            if not workbooks.is_zip(upload.read(4)):
                return None
            upload.seek(0)
            workbooks.refuse_unsafe_parts(upload)
    except OSError:
        return None  # no stored file: xloader reports that itself
    except workbooks.UnsafeWorkbook as error:
        return tk._("The uploaded file was not loaded into the DataStore: {reason}").format(reason=error)
    return None


def record_refusal(resource_id, message):
    """Show the editor why a table was not loaded, where xloader shows its own errors."""
    context = {"ignore_auth": True, "session": model.meta.create_local_session()}
    task = {"entity_id": resource_id, "entity_type": "resource", "task_type": "xloader", "key": "xloader",
            "state": "error", "value": "{}", "error": json.dumps({"message": message}),
            "last_updated": str(datetime.datetime.utcnow())}
    try:
        task["id"] = tk.get_action("task_status_show")(
            dict(context), {"entity_id": resource_id, "task_type": "xloader", "key": "xloader"})["id"]
    except tk.ObjectNotFound:
        pass
    tk.get_action("task_status_update")(context, task)


def can_upload(resource_id):
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return False
    reason = refusal(resource)
    if reason is None:
        return True
    if reason != "harvested":
        log.info("Not loading resource %s: %s", resource_id, reason)
        record_refusal(resource_id, reason)
    return False


def loaded(resource_id):
    """After xloader's hook (it runs twice: when the rows are viewable and when it is complete)."""
    tk.enqueue_job(type_and_chart, [resource_id], title=f"Column types of the uploaded table {resource_id}")


def type_and_chart(resource_id):
    """Worker job: type the columns, then add the chart view if the table has a time axis."""
    try:
        converted = column_types.apply(resource_id)
    except tk.ObjectNotFound:
        return  # the resource or its table was deleted meanwhile
    if converted:
        log.info("Typed columns of %s: %s", resource_id, converted)
    add_chart_view(resource_id)


def chart_axes(resource_id):
    """(time column, value column) of a DataStore table, or None.

    The first date or timestamp column; as value a numeric column that is a
    measurement, not a key or a position (postcodes, numbers, coordinates),
    one with a unit in its name ("Nennleistung [kW]") first."""
    try:
        fields = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id}).get("fields", [])
    except tk.ObjectNotFound:
        return None
    times = [f["id"] for f in fields if f.get("type") in ("date", "timestamp")]
    values = [f["id"] for f in fields if f.get("type") in NUMERIC_TYPES and not f["id"].startswith("_")
              and not NOT_A_MEASUREMENT.search(f["id"])]
    values.sort(key=lambda name: not WITH_UNIT.search(name))
    return (times[0], values[0]) if times and values else None


def add_chart_view(resource_id):
    """Add the chart view once, if the table has a time axis and a value."""
    if chart_axes(resource_id) is None:
        return
    context = {"ignore_auth": True, "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    views = tk.get_action("resource_view_list")(dict(context), {"id": resource_id})
    if any(view["view_type"] == CHART_VIEW for view in views):
        return
    tk.get_action("resource_view_create")(dict(context), {
        "resource_id": resource_id, "view_type": CHART_VIEW, "title": tk._("Time series")})


def _site_user_token():
    """The site user's xloader token, made once. In a session of its own: xloader
    submits from inside another commit (a resource changed), where ours may not commit."""
    session = model.meta.create_local_session()
    try:
        site_id = tk.config.get("ckan.site_id")
        user = session.query(model.User).filter_by(name=site_id).first()
        if user is None:  # as get_site_user makes it
            password = secrets.token_urlsafe(32)
            user = model.User(name=site_id, password=password, apikey=password)
            user.sysadmin = True
            session.add(user)
            session.flush()
        stored = session.query(model.ApiToken).filter_by(user_id=user.id, name=TOKEN_NAME).first()
        if stored is None:
            stored = model.ApiToken(user_id=user.id, name=TOKEN_NAME)
            session.add(stored)
        session.commit()
        return api_token.encode({"jti": stored.id, "iat": api_token.into_seconds(stored.created_at)})
    finally:
        session.close()


_issued = {}


@tk.chained_action
def xloader_submit(original, context, data_dict):
    """xloader's submit, with the site user's token unless an operator configured one.
    Read from the database every time, so a revoked token is replaced, not kept."""
    configured = tk.config.get("ckanext.xloader.api_token")
    if not configured or configured == "NOT_SET" or configured == _issued.get("token"):
        _issued["token"] = tk.config["ckanext.xloader.api_token"] = _site_user_token()
    return original(context, data_dict)
