"""Demo organizations and datasets for a fresh portal (`ckan smartcityms demo-content`).

Loading is idempotent: existing organizations and datasets with the same
names are updated to the file's content, others are created.

"{site}" in a value stands for `ckan.site_url`: two demo datasets describe what
the portal itself publishes (its catalogue, its data requests).

`data_requests` are Datenwünsche as citizens send them, some already
answered; one with the same title is left as it is.

`showcases` are applications (Anwendungen) that use the demo datasets; they
come last, as they name datasets that must exist.

`uploaded_tables` are datasets whose file is uploaded as an editor uploads
one (a recording shipped in demo/recordings), so that the job worker loads it
into the DataStore through ckanext-xloader. Such a dataset is made once and
then left alone: updating it from the file would drop the uploaded resource.
"""
import importlib.resources
import json
import pathlib

import ckan.plugins.toolkit as tk


class DemoContentError(Exception):
    pass


def content_path(setting=None):
    """Resolve `package:path` or a plain file path to a readable path."""
    setting = setting or tk.config.get("ckanext.smartcityms.demo_content")
    if ":" in setting and not pathlib.Path(setting).exists():
        package, _, relative = setting.partition(":")
        return importlib.resources.files(package).joinpath(relative)
    return pathlib.Path(setting)


def read_content(setting=None):
    path = content_path(setting)
    try:
        content = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise DemoContentError(f"cannot read {path}: {error}") from error
    if not isinstance(content, dict):
        raise DemoContentError(f"{path}: expected a JSON object")
    return content


def load(setting=None):
    content = read_content(setting)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    report = {"organizations": [], "datasets": [], "showcases": [], "data_requests": []}
    for org in content.get("organizations", []):
        _upsert("organization", org, site_user["name"])
        report["organizations"].append(org["name"])
    for dataset in content.get("datasets", []):
        _upsert("package", _on_this_site(dataset), site_user["name"])
        report["datasets"].append(dataset["name"])
    for table in content.get("uploaded_tables", []):
        _upload_once(table, site_user["name"])
        report["datasets"].append(table["dataset"]["name"])
    for showcase in content.get("showcases", []):
        _upsert("package", dict(showcase, type="showcase"), site_user["name"])
        report["showcases"].append(showcase["name"])
    for wish in content.get("data_requests", []):
        _data_request_once(wish, site_user["name"])
        report["data_requests"].append(wish["title"])
    return report


def _data_request_once(wish, user):
    context = {"user": user, "ignore_auth": True}
    known = tk.get_action("smartcityms_data_request_list")(dict(context), {"limit": 100})["results"]
    if any(found["title"] == wish["title"] for found in known):
        return
    asked = {name: wish.get(name) for name in ("title", "description", "intended_use")}
    answer = {name: wish[name] for name in ("status", "answer", "dataset", "handlungsfeld") if name in wish}
    try:
        created = tk.get_action("smartcityms_data_request_create")(dict(context), asked)
        if answer:
            tk.get_action("smartcityms_data_request_update")(dict(context), dict(answer, id=created["id"]))
    except tk.ValidationError as error:
        raise DemoContentError(f"data request {wish['title']!r}: {error.error_summary}") from error


def _on_this_site(value):
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    if isinstance(value, str):
        return value.replace("{site}", site)
    if isinstance(value, list):
        return [_on_this_site(item) for item in value]
    if isinstance(value, dict):
        return {key: _on_this_site(item) for key, item in value.items()}
    return value


def _upload_once(table, user):
    from werkzeug.datastructures import FileStorage
    context = {"user": user, "ignore_auth": True}
    dataset = dict(table["dataset"])
    try:
        tk.get_action("package_show")(dict(context), {"id": dataset["name"]})
        return
    except tk.ObjectNotFound:
        pass
    recording = importlib.resources.files(__package__).joinpath("recordings", table["file"])
    try:
        created = tk.get_action("package_create")(dict(context), dict(dataset, resources=[]))
        with recording.open("rb") as stream:
            tk.get_action("resource_create")(dict(context), dict(
                table["resource"], package_id=created["id"],
                upload=FileStorage(stream, filename=recording.name, content_type="text/csv")))
    except tk.ValidationError as error:
        raise DemoContentError(f"dataset {dataset['name']!r}: {error.error_summary}") from error


def _upsert(entity, data, user):
    context = {"user": user, "ignore_auth": True}
    try:
        existing = tk.get_action(f"{entity}_show")(dict(context), {"id": data["name"]})
    except tk.ObjectNotFound:
        existing = None
    except KeyError as error:
        raise DemoContentError(f"{entity} without a name: {data}") from error
    try:
        if existing is None:
            tk.get_action(f"{entity}_create")(dict(context), dict(data))
        else:
            tk.get_action(f"{entity}_update")(dict(context), dict(data, id=existing["id"]))
    except tk.ValidationError as error:
        raise DemoContentError(f"{entity} {data['name']!r}: {error.error_summary}") from error


def ensure_sysadmin(name, email, password, token_name):
    """Create (or reset) a sysadmin account and return a fresh API token.

    Earlier tokens with the same name are revoked, so repeated demo runs
    leave exactly one valid demo token.
    """
    import ckan.model as model

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    user = model.User.get(name)
    try:
        if user is None:
            tk.get_action("user_create")(dict(context), {
                "name": name, "email": email, "password": password})
            user = model.User.get(name)
        else:
            user.password = password  # hashed by the model
            user.state = model.State.ACTIVE
    except tk.ValidationError as error:
        raise DemoContentError(f"user {name!r}: {error.error_summary}") from error
    user.sysadmin = True
    model.repo.commit()

    for token in model.Session.query(model.ApiToken).filter_by(
            user_id=user.id, name=token_name):
        model.Session.delete(token)
    model.repo.commit()
    result = tk.get_action("api_token_create")(
        dict(context), {"user": name, "name": token_name})
    return result["token"]
