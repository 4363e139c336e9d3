"""CSRF exemptions that last one request.

CKAN 2.12 exempts a view from Flask-WTF's CSRF check when the request that
reaches it is anonymous or authenticated by an API token
(`ckan_before_request` calls `csrf.exempt(view)`). Flask-WTF keeps its
exemptions in one set per process, meant for views declared exempt at
start-up, so after one such request the view skipped the check for every
later request of that worker, cookie sessions included: a forged form could
then change a dataset with an editor's cookie. The probe of issue 28 did
exactly that (docs/upstream/csrf-exemption.md is the write-up for CKAN).

Here the set is replaced by one that keeps what start-up declared and puts
every exemption made while a request is handled into that request's `g`: a
token request is still exempt (a token is no ambient authority a forged form
could borrow), the next cookie request is checked again.
"""
from flask import g, has_request_context

REQUEST_KEY = "_smartcityms_csrf_exempt_views"


class ExemptionsOfOneRequest(set):
    """Flask-WTF's `_exempt_views`: start-up exemptions for good, request ones for that request."""

    def add(self, view):
        if has_request_context():
            g.setdefault(REQUEST_KEY, set()).add(view)
        else:
            super().add(view)

    def __contains__(self, view):
        if super().__contains__(view):
            return True
        return has_request_context() and view in g.get(REQUEST_KEY, ())


def install(app):
    protect = app.extensions["csrf"]
    protect._exempt_views = ExemptionsOfOneRequest(protect._exempt_views)
