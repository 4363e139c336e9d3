"""Security headers on every response, and the content security policy of
every HTML page.

The policy allows only what the portal itself serves: scripts and styles
from our origin (no inline script, apart from CKAN's own inline code allowed
by hash, see `inline_code`), images from our origin and data URIs (and the
configured map tile server), requests (`fetch`) to our origin and
`ckan.site_url` only (the sensor chart reads its measurements through the
portal), frames of our own
pages only, and no framing of our pages by others. Styles may be inline:
CKAN's templates set `style` attributes, and a style cannot run script.
"""
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

from ckanext.smartcityms.security import inline_code

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def _tile_origin():
    """The origin of the configured map tile server, or None."""
    parts = urlsplit(tk.config.get("ckanext.smartcityms.map_tile_url") or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"  # {s}: the tile server's subdomains
    return None


def _site_origin():
    """The origin of ckan.site_url: CKAN's scripts call the API there (translations, autocompletion),
    which is this origin unless the portal is reached under a second name."""
    parts = urlsplit(tk.config.get("ckan.site_url") or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def policy(page):
    """The Content-Security-Policy header for `page`, an HTML text."""
    scripts, handlers = inline_code.hashes(page)
    script_src = ["'self'", *scripts]
    if handlers:
        script_src += ["'unsafe-hashes'", *handlers]
    images = ["'self'", "data:"]
    tiles = _tile_origin()
    if tiles:
        images.append(tiles)
    connect = ["'self'"]
    site = _site_origin()
    if site:
        connect.append(site)
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(script_src),
        "style-src 'self' 'unsafe-inline'",
        "img-src " + " ".join(images),
        "font-src 'self' data:",
        "connect-src " + " ".join(connect),
        "frame-src 'self'",
        "frame-ancestors 'self'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
    return "; ".join(directives)


def _add_headers(response):
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html" and "Content-Security-Policy" not in response.headers \
            and not response.direct_passthrough and not response.is_streamed:
        response.headers["Content-Security-Policy"] = policy(response.get_data(as_text=True))
    return response


def install(app):
    app.after_request(_add_headers)
