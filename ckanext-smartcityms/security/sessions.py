"""Sessions that end when the user logs out.

The session itself lives in Redis (`SESSION_TYPE = redis` in the ini files,
its lifetime `PERMANENT_SESSION_LIFETIME`): logout deletes it on the server,
so a copy of the old cookie opens nothing. Flask-Login's "remember me" cookie
would outlive that (it names the user and is valid until it expires, logout
or not), so the portal does not set it: the login form's `remember` field is
dropped before CKAN's login view reads it, and the theme does not show the
checkbox.
"""
from flask import request
from werkzeug.datastructures import ImmutableMultiDict

LOGIN_ENDPOINTS = {"user.login"}


def _without_remember_me():
    if request.endpoint in LOGIN_ENDPOINTS and request.method == "POST" and "remember" in request.form:
        # werkzeug caches the parsed form on the request; the view reads this copy
        request.form = ImmutableMultiDict([(k, v) for k, v in request.form.items(multi=True) if k != "remember"])


def install(app):
    # The Redis session interface keeps its own client; the copy CKAN leaves in
    # the app's config would make that config impossible to copy (CKAN's
    # ckan_config test fixture deep-copies it; a client holds a lock).
    app.config.pop("SESSION_REDIS", None)
    app.before_request(_without_remember_me)
