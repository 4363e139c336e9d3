"""What every request and response passes through, whatever view answers it:
CSRF exemptions that last one request (`csrf`), security headers and the
content security policy (`headers`, `inline_code`), uploaded files that never
run script on our origin (`downloads`), sessions that end at logout
(`sessions`), requests that made CKAN answer 500 (`failsafe`). `install`
hooks them into CKAN's Flask app (IMiddleware); `disclosure` chains the
actions that showed visitors more than they may see (IActions)."""


def install(app):
    from ckanext.smartcityms.security import csrf, downloads, failsafe, headers, sessions
    if "csrf" not in getattr(app, "extensions", {}):
        raise RuntimeError("smartcityms must come first in ckan.plugins: its security hooks need CKAN's "
                           "Flask app itself, not another plugin's middleware around it")
    csrf.install(app)
    sessions.install(app)
    failsafe.install(app)
    # Flask runs after_request hooks in reverse order of registration: the
    # download rules see the response before the general headers are added.
    headers.install(app)
    downloads.install(app)
    return app
