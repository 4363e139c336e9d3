"""The inline script CKAN's own templates write, recognised by its shape so
that the content security policy can allow exactly it by hash.

The policy has no 'unsafe-inline' for scripts. A few CKAN templates still
write inline code: the resource view page passes its resource as a JSON
literal (`dataviewer/base.html`), the table preview its data dictionary
(`datatables/datatables_view.html`), and the resource form and the API token
list use `onclick`/`onchange` attributes. Each response's inline code is
hashed only where it has one of these shapes, with its data checked to be a
JSON literal: script an attacker managed to inject into a page has none of
them and stays blocked by the browser.
"""
import base64
import hashlib
import html
import json
import re

SCRIPT = re.compile(r"<script(?P<attributes>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.S | re.I)
HANDLER = re.compile(r"""\son(?:click|change)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""", re.I)

# dataviewer/base.html and datatables/datatables_view.html
SCRIPT_SHAPES = [
    re.compile(r"\s*var preload_resource = (?P<json>.*);\s*", re.S),
    re.compile(r"\s*const gdataDict = (?P<json>.*)\n\s*const gresviewId = '[0-9a-f-]{36}'\s*", re.S),
]

# package/snippets/resource_upload_field.html, user/snippets/api_token_*.html and the
# table preview's templates: every statement of a handler must be one of these.
HANDLER_STATEMENTS = {
    *(f"document.getElementById('{element}').checked = true" for element in (
        "resource-url-none", "resource-url-upload", "resource-url-link", "field-clear-upload")),
    *(f"document.getElementById('{element}').focus()" for element in (
        "resource-upload-button", "resource-link-button", "field-resource-url", "field-resource-upload")),
    "document.getElementById('field-resource-upload').click()",
    "$('#field-resource-upload').replaceWith($('#field-resource-upload').val('').clone(true))",
    "$('#field-resource-url').val('')",
    "$('#revoke-tokens-button').attr('disabled', !$('[name=token]:checked').length)",
    "fitColText()",  # datatables/datatables_view.html: a function of ckanext-datatablesview's script
    "return false",  # datatables/datatables_form.html
}


def _digest(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _is_known_script(body):
    for shape in SCRIPT_SHAPES:
        match = shape.fullmatch(body)
        if match:
            try:
                json.loads(match.group("json"))
                return True
            except ValueError:
                return False
    return False


def _is_known_handler(code):
    statements = [s.strip() for s in code.split(";") if s.strip()]
    return bool(statements) and all(s in HANDLER_STATEMENTS for s in statements)


def hashes(page):
    """(script hashes, event handler hashes) of the known inline code in `page`, an HTML text."""
    scripts, handlers = set(), set()
    if "<script" in page or "<SCRIPT" in page:
        for match in SCRIPT.finditer(page):
            if "src=" not in match.group("attributes").lower() and _is_known_script(match.group("body")):
                scripts.add(_digest(match.group("body")))
    for match in HANDLER.finditer(page):
        code = html.unescape(match.group("double") if match.group("double") is not None else match.group("single"))
        if _is_known_handler(code):
            handlers.add(_digest(code))
    return sorted(scripts), sorted(handlers)
