"""Data requests in the Action API, with their auth functions.

Anyone may ask (rate-limited, spam-checked); sysadmins and editors or admins
of any organization answer. The contact (name, e-mail) is in no answer
except to those who answer requests; it can be deleted by them or by the
requester with the key they got once when asking.
"""
import datetime
import hashlib
import hmac
import secrets

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.smartcityms import strategy
from ckanext.smartcityms.data_requests import checks, rate_limit
from ckanext.smartcityms.data_requests.model import STATUSES, DataRequest

PUBLIC = ("id", "title", "description", "intended_use", "status", "answer", "handlungsfeld")
CONTACT = ("contact_name", "contact_email")
MAX_ROWS = 100
ID_MAX = 100


# ---------------------------------------------------------------- who may do what

def may_answer(user):
    """Sysadmins, and editors or admins of any organization."""
    return bool(user) and (authz.is_sysadmin(user) or authz.has_user_permission_for_some_org(user, "create_dataset"))


@tk.auth_allow_anonymous_access
def anyone(context, data_dict=None):
    return {"success": True}


def answerers(context, data_dict=None):
    if may_answer(context.get("user")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only editors of an organization answer data requests")}


def get_auth_functions():
    return {"smartcityms_data_request_create": anyone, "smartcityms_data_request_list": anyone,
            "smartcityms_data_request_show": anyone, "smartcityms_data_request_contact_delete": anyone,
            "smartcityms_data_request_update": answerers, "smartcityms_data_request_delete": answerers}


# ---------------------------------------------------------------- dictionaries

def _dataset(dataset_id, context):
    if not dataset_id:
        return None
    try:
        found = tk.get_action("package_show")({"user": context.get("user")}, {"id": dataset_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    return {"id": found["id"], "name": found["name"], "title": found.get("title") or found["name"]}


def as_dict(request, context, answerer=None):
    """What the user of this context may see of a request (`answerer`: whether
    that user answers requests, when the caller knows it already)."""
    shown = {name: getattr(request, name) for name in PUBLIC}
    shown["created"] = request.created.isoformat()
    shown["modified"] = request.modified.isoformat()
    shown["dataset"] = _dataset(request.dataset_id, context)
    if answerer if answerer is not None else may_answer(context.get("user")):
        shown.update({name: getattr(request, name) for name in CONTACT})
    return shown


def _get(data_dict):
    request_id = tk.get_or_bust(data_dict, "id")
    # PostgreSQL refuses a NUL in a query parameter with an error, not an empty answer
    if not isinstance(request_id, str) or len(request_id) > ID_MAX or "\x00" in request_id:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    request = model.Session.get(DataRequest, request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


def _cleaned(data_dict, names):
    return {name: checks.clean_text(data_dict.get(name)) for name in names}


# ---------------------------------------------------------------- actions

def smartcityms_data_request_create(context, data_dict):
    """Ask for data the portal does not have yet (anyone, also without an account).

    :param title: what data (5–200 characters)
    :param description: what it should contain (20–5000)
    :param intended_use: what you want to do with it (10–2000)
    :param contact_name: optional; seen only by the editors who answer
    :param contact_email: optional; seen only by the editors who answer
    :returns: the request as everyone sees it, and, when a contact was given,
        ``deletion_key``: keep it to delete your contact later (shown once)

    At most 5 requests a minute per person (``ckanext.smartcityms.data_request_rate_limit``);
    the same title and description again within a day is refused.
    """
    tk.check_access("smartcityms_data_request_create", context, data_dict)
    fields = _cleaned(data_dict, ("title", "description", "intended_use", "contact_name", "contact_email",
                                  checks.HONEYPOT))
    found = checks.problems(fields)
    if found:
        raise tk.ValidationError(found)
    user = context.get("user")
    if not may_answer(user):  # editors are trusted; everyone else is counted
        try:
            rate_limit.check(user, _client_address())
        except rate_limit.Refused as refused:
            raise tk.ValidationError({"message": [str(refused)]})
    if _sent_recently(fields["title"], fields["description"]):
        raise tk.ValidationError({"message": [tk._("This data request was sent already.")]})
    key = secrets.token_urlsafe(24) if (fields["contact_email"] or fields["contact_name"]) else None
    request = DataRequest(
        title=fields["title"], description=fields["description"], intended_use=fields["intended_use"],
        contact_name=fields["contact_name"] or None, contact_email=fields["contact_email"] or None,
        deletion_key_hash=_digest(key) if key else None, status="open")
    model.Session.add(request)
    model.Session.commit()
    shown = as_dict(request, context)
    if key:
        shown["deletion_key"] = key
    return shown


def _sent_recently(title, description):
    """The same request in the last day: a form sent twice, or a bot."""
    since = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(days=1)
    return model.Session.query(DataRequest.id).filter(
        DataRequest.title == title, DataRequest.description == description, DataRequest.created > since).first() \
        is not None


def _client_address():
    try:
        return tk.request.remote_addr or ""
    except RuntimeError:  # no web request: a CLI or job
        return ""


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


@tk.side_effect_free
def smartcityms_data_request_list(context, data_dict):
    """Data requests, newest first.

    :param status: optional filter: ``open``, ``in_progress``, ``published`` or ``declined``
    :param handlungsfeld: optional filter: a Handlungsfeld slug
    :param limit: at most 100 (default 20); :param offset: default 0
    :returns: count and results
    """
    tk.check_access("smartcityms_data_request_list", context, data_dict)
    query = model.Session.query(DataRequest)
    status = data_dict.get("status")
    if status:
        if status not in STATUSES:
            raise tk.ValidationError({"status": [tk._("One of: {values}").format(values=", ".join(STATUSES))]})
        query = query.filter(DataRequest.status == status)
    if data_dict.get("handlungsfeld"):
        query = query.filter(DataRequest.handlungsfeld == str(data_dict["handlungsfeld"])[:ID_MAX])
    limit = _bounded_int(data_dict, "limit", 20, 0, MAX_ROWS)
    offset = _bounded_int(data_dict, "offset", 0, 0, 10**6)
    count = query.count()
    rows = query.order_by(DataRequest.created.desc(), DataRequest.id).offset(offset).limit(limit).all()
    answerer = may_answer(context.get("user"))
    return {"count": count, "results": [as_dict(row, context, answerer) for row in rows]}


def _bounded_int(data_dict, name, default, lowest, highest):
    value = data_dict.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise tk.ValidationError({name: [tk._("Give a whole number")]})
    if not lowest <= number <= highest:
        raise tk.ValidationError({name: [tk._("Between {low} and {high}").format(low=lowest, high=highest)]})
    return number


@tk.side_effect_free
def smartcityms_data_request_show(context, data_dict):
    """One data request. :param id: its id"""
    tk.check_access("smartcityms_data_request_show", context, data_dict)
    return as_dict(_get(data_dict), context)


def smartcityms_data_request_update(context, data_dict):
    """Answer a data request (sysadmins, editors of an organization).

    :param id: its id
    :param status: ``open``, ``in_progress``, ``published`` (needs ``dataset``)
        or ``declined`` (needs ``answer``, the reason)
    :param answer: the answer shown to everyone (at most 5000 characters)
    :param dataset: name or id of the published dataset
    :param handlungsfeld: slug of the Handlungsfeld the request belongs to
    """
    tk.check_access("smartcityms_data_request_update", context, data_dict)
    request = _get(data_dict)
    status = data_dict.get("status", request.status)
    if status not in STATUSES:
        raise tk.ValidationError({"status": [tk._("One of: {values}").format(values=", ".join(STATUSES))]})
    fields = _cleaned(data_dict, ("answer",)) if "answer" in data_dict else {"answer": request.answer or ""}
    found = checks.text_problems(fields, ("answer",))
    dataset_id = request.dataset_id
    if "dataset" in data_dict:
        dataset_id = _published_dataset(data_dict.get("dataset"), context, found)
    handlungsfeld = request.handlungsfeld
    if "handlungsfeld" in data_dict:
        handlungsfeld = _handlungsfeld(data_dict.get("handlungsfeld"), found)
    if status == "published" and not dataset_id:
        found.setdefault("dataset", []).append(tk._("Name the dataset that answers the request"))
    if status == "declined" and not fields["answer"]:
        found.setdefault("answer", []).append(tk._("Give the reason for declining"))
    if found:
        raise tk.ValidationError(found)
    request.status, request.answer = status, fields["answer"] or None
    request.dataset_id = dataset_id if status == "published" else None
    request.handlungsfeld = handlungsfeld
    model.Session.commit()
    return as_dict(request, context)


def _published_dataset(reference, context, found):
    if not reference:
        return None
    dataset = _dataset(str(reference)[:ID_MAX], context)
    if dataset is None:
        found.setdefault("dataset", []).append(tk._("No dataset of this portal is called {names}").format(
            names=f'"{str(reference)[:ID_MAX]}"'))
        return None
    return dataset["id"]


def _handlungsfeld(value, found):
    if not value:
        return None
    field = strategy.handlungsfeld(str(value)[:ID_MAX])
    if field is None:
        found.setdefault("handlungsfeld", []).append(tk._("Unknown field of action"))
        return None
    return field["slug"]


def smartcityms_data_request_contact_delete(context, data_dict):
    """Delete the contact (name, e-mail) of a data request: by those who answer
    requests, or by the requester with ``deletion_key``.

    :param id: its id
    :param deletion_key: the key the requester got when asking
    """
    tk.check_access("smartcityms_data_request_contact_delete", context, data_dict)
    request = _get(data_dict)
    key = data_dict.get("deletion_key")
    holds_key = (isinstance(key, str) and request.deletion_key_hash is not None and len(key) <= ID_MAX
                 and hmac.compare_digest(_digest(key), request.deletion_key_hash))
    if not holds_key and not may_answer(context.get("user")):
        raise tk.NotAuthorized(tk._("Only the requester (with the deletion key) or editors delete a contact"))
    request.contact_name = request.contact_email = request.deletion_key_hash = None
    model.Session.commit()
    return as_dict(request, context)


def smartcityms_data_request_delete(context, data_dict):
    """Delete a data request entirely (spam). :param id: its id"""
    tk.check_access("smartcityms_data_request_delete", context, data_dict)
    request = _get(data_dict)
    model.Session.delete(request)
    model.Session.commit()
    return {"id": request.id, "deleted": True}


def get_actions():
    return {action.__name__: action for action in (
        smartcityms_data_request_create, smartcityms_data_request_list, smartcityms_data_request_show,
        smartcityms_data_request_update, smartcityms_data_request_contact_delete, smartcityms_data_request_delete)}
