"""The probe's SSRF (issue 28, finding 1): the demo allowed its replay server's
address for every outbound request, so an organization editor's resource URL
on loopback was fetched by xloader, the link checker and the bulk archives.

Here the site has the demo's allowance (the harvest purpose, one address and
port) and the "internal service" is a loopback listener on exactly that
address and port: each feature other than harvesting must refuse it without
sending it a single request."""
import pytest

from ckan.tests import factories, helpers

from ckanext.smartcityms.datastore import uploads
from ckanext.smartcityms.downloads import jobs, scope as scopes
from ckanext.smartcityms.outbound import http, proxy
from ckanext.smartcityms.quality import links
from tests.datasets import minimal_dataset
from tests.downloads.conftest import downloads_folder  # noqa: F401 (a fixture)
from tests.replay import Response

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture
def internal_service(replay_server):
    """A listener standing in for Solr: what it answers must never leave the portal."""
    replay_server.routes["/solr/ckan/select"] = Response(b"id,notes\nx,private notes\n", content_type="text/csv")
    port = int(replay_server.base_url.rsplit(":", 1)[1])
    with helpers.changed_config(http.ALLOWANCES_OPTION, f"harvest=127.0.0.1:{port}"):
        yield replay_server


@pytest.fixture
def editors_dataset(clean_db, clean_index, internal_service, downloads_folder):
    editor = factories.User()
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    url = internal_service.url("/solr/ckan/select?q=name:geheim&wt=csv")
    return helpers.call_action("package_create", {"user": editor["name"]}, **minimal_dataset(
        org["id"], name="angriff", resources=[{"url": url, "format": "CSV",
                                               "license": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"}]))


def test_xloader_refuses_an_editors_link_to_the_harvest_allowance(editors_dataset, internal_service):
    reason = uploads.refusal(editors_dataset["resources"][0])
    assert reason and "internal address" in reason
    with pytest.raises(http.FetchError, match="internal address"):
        proxy.judged_address("127.0.0.1", int(internal_service.base_url.rsplit(":", 1)[1]))
    assert internal_service.requests == []


def test_the_link_checker_refuses_it(editors_dataset, internal_service):
    result = links.check(editors_dataset["resources"][0]["url"])
    assert result["ok"] is False and "internal address" in result["error"]
    assert internal_service.requests == []


def test_an_anonymous_archive_request_copies_nothing_from_it(editors_dataset, internal_service):
    result = jobs.build_now(scopes.resolve("dataset", "angriff"))
    assert result["state"] == "ready", result
    assert internal_service.requests == []


def test_harvesting_still_reaches_its_one_allowed_address(internal_service):
    body, _type = http.fetch(internal_service.url("/solr/ckan/select"), purpose=http.HARVEST, timeout=5,
                             max_bytes=1000)
    assert body.startswith(b"id,notes")
