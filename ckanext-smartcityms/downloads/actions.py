"""Bulk downloads in the Action API: the state of an archive, and asking for one."""
import ckan.plugins.toolkit as tk

from ckanext.smartcityms.downloads import catalogue_dump, jobs, scope as scopes, store


def _scope(data_dict):
    kind = tk.get_or_bust(data_dict, "kind")
    key = tk.get_or_bust(data_dict, "id")
    if kind not in scopes.KINDS:
        raise tk.ValidationError({"kind": [f"must be one of {', '.join(scopes.KINDS)}"]})
    if not isinstance(key, str) or not key or len(key) > 200:
        raise tk.ValidationError({"id": ["must be a name or id of at most 200 characters"]})
    try:
        return scopes.resolve(kind, key)
    except scopes.TooManyDatasets as error:
        raise tk.ValidationError({"id": [
            f"{error.args[0]} public datasets: more than one archive holds "
            f"({scopes.max_datasets()}); download the datasets one by one or use the catalogue dump"]})


def _answer(scope, result):
    result = dict(result)
    result["page_url"] = tk.url_for("smartcityms_downloads.archive_page", kind=scope.kind, key=scope.key,
                                    _external=True)
    result["download_url"] = (tk.url_for("smartcityms_downloads.archive_file", kind=scope.kind, key=scope.key,
                                         _external=True) if result["state"] == "ready" else None)
    return result


def _configured():
    try:
        store.directory()
    except store.NotConfigured as error:
        raise tk.ValidationError({"downloads": [str(error)]})


@tk.side_effect_free
def smartcityms_download_status(context, data_dict):
    """The state of the archive of a dataset, Handlungsfeld or organization.

    :param kind: ``dataset``, ``handlungsfeld`` or ``organization``
    :param id: its name, slug or id
    :returns: state (``missing``, ``queued``, ``building``, ``ready``,
        ``failed``), stale (an older archive exists), datasets, size (bytes),
        built, summary (files, linked, failed, content_bytes), message,
        page_url and, when ready, download_url
    """
    _configured()
    scope = _scope(data_dict)
    return _answer(scope, jobs.status(scope))


def smartcityms_download_request(context, data_dict):
    """Ask for the archive of a dataset, Handlungsfeld or organization: queued for
    the background worker unless the current version is ready or on its way.

    Same parameters and answer as ``smartcityms_download_status``.
    """
    _configured()
    scope = _scope(data_dict)
    return _answer(scope, jobs.request(scope))


@tk.side_effect_free
def smartcityms_catalogue_dump_status(context, data_dict):
    """The whole catalogue's metadata dumps: state, datasets, built, sizes and the two URLs."""
    _configured()
    record = store.state(catalogue_dump.NAME)
    return {**{k: record.get(k) for k in ("state", "datasets", "built", "sizes", "message")},
            "jsonl_url": tk.url_for("smartcityms_downloads.catalogue_file", kind="jsonl", _external=True),
            "turtle_url": tk.url_for("smartcityms_downloads.catalogue_file", kind="ttl", _external=True)}


def get_actions():
    return {"smartcityms_download_status": smartcityms_download_status,
            "smartcityms_download_request": smartcityms_download_request,
            "smartcityms_catalogue_dump_status": smartcityms_catalogue_dump_status}
