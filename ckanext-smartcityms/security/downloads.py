"""Uploaded files never run script on the portal's origin.

CKAN serves an uploaded resource (and an uploaded organization or user
image) inline, with the type guessed from its name: an `.html` or `.svg`
upload then ran its script with the viewer's session (issue 28, finding 2).
Every such download gets a sandboxing policy (a document in it has no origin
and runs nothing), and a type a browser would render actively is sent as an
attachment, so it is saved, not opened. PDFs stay viewable in the browser:
its PDF viewer runs outside the page's origin, and a sandbox would refuse to
show them at all.
"""
from flask import request

# Types a browser renders as a document that can run script or load others
ACTIVE_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
                "text/javascript", "application/javascript", "application/x-javascript", "text/xsl",
                "text/vnd.wap.wml", "application/vnd.wap.xhtml+xml", "multipart/x-mixed-replace"}
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"


def is_upload_download(endpoint):
    """The views that send uploaded files: a resource's download (of every dataset type) and
    the uploaded images of organizations, groups and users."""
    endpoint = endpoint or ""
    return endpoint.endswith("resource.download") or endpoint in {"uploads", "files.download"}


def _disarm(response):
    if not is_upload_download(request.endpoint) or response.status_code >= 300:
        return response
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype != "application/pdf":
        response.headers["Content-Security-Policy"] = SANDBOX
    if response.mimetype in ACTIVE_TYPES:
        disposition = response.headers.get("Content-Disposition") or ""
        filename = disposition.split(";", 1)[1].strip() if ";" in disposition else ""
        response.headers["Content-Disposition"] = "attachment" + ("; " + filename if filename else "")
    return response


def install(app):
    app.after_request(_disarm)
