"""The portal runs on the real stack: PostgreSQL, Solr 9, Redis, CKAN 2.12 and
the pinned extensions. Each test here breaks if one of them is missing or
replaced by a stand-in."""
import json
import urllib.parse

import pytest
import rdflib
import requests

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import redis as ckan_redis
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def solr_base_url():
    """The Solr node URL (…/solr) from CKAN's core URL (…/solr/<core>)."""
    return tk.config["solr_url"].rstrip("/").rsplit("/", 1)[0]


class TestServicesAreReal:
    def test_postgresql_15_serves_the_ckan_database(self):
        version = model.Session.execute(model.sa.text("SELECT version()")).scalar()
        assert version.startswith("PostgreSQL 15.")
        port = model.Session.execute(model.sa.text("SELECT inet_server_port()")).scalar()
        assert str(port) in tk.config["sqlalchemy.url"]

    def test_solr_9_serves_ckans_schema_with_our_additions(self):
        info = requests.get(f"{solr_base_url()}/admin/info/system", params={"wt": "json"},
                            timeout=10).json()
        assert info["lucene"]["solr-spec-version"].startswith("9.")

        core = tk.config["solr_url"].rstrip("/")
        schema = requests.get(f"{core}/schema", params={"wt": "json"}, timeout=10).json()["schema"]
        assert schema["name"] == "ckan-2.12"
        fields = {f["name"]: f for f in schema["fields"]}
        assert fields["handlungsfeld"]["multiValued"] is True
        assert fields["projekt"]["multiValued"] is True
        assert "title_ngram" in fields  # CKAN's own fields stay as they are

    def test_redis_refuses_a_client_without_its_password(self):
        import redis
        url = urllib.parse.urlparse(tk.config["ckan.redis.url"])
        assert url.password, "the test run's Redis URL carries no password"
        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host=url.hostname, port=url.port, socket_timeout=5).ping()
        assert ckan_redis.connect_to_redis().ping()

    def test_redis_7_stores_and_returns_values(self):
        conn = ckan_redis.connect_to_redis()
        assert conn.info("server")["redis_version"].startswith("7.")
        conn.set("smartcityms:test:probe", "Münster")
        assert conn.get("smartcityms:test:probe").decode("utf-8") == "Münster"
        conn.delete("smartcityms:test:probe")


class TestDatasetLifecycle:
    def create_dataset_over_http(self, app):
        sysadmin = factories.SysadminWithToken()
        org = factories.Organization(name="stadt-muenster", title="Stadt Münster")
        response = app.post(
            "/api/3/action/package_create",
            json={
                "name": "aasee-monitoring",
                "title": "Aasee-Monitoring",
                "notes": "Wassertemperatur, pH-Wert und Sauerstoff im Aasee.",
                "owner_org": org["id"],
                "handlungsfeld": ["umwelt-energie-klima"],
                "tags": [{"name": "Umwelt"}],
                "resources": [{"url": "http://example.org/aasee.csv", "format": "CSV",
                               "name": "Messwerte",
                               "license": "http://dcat-ap.de/def/licenses/odcpddl"}],
            },
            headers={"Authorization": sysadmin["token"]},
        )
        assert response.status_code == 200, response.body
        return response.json["result"]

    def test_created_dataset_is_found_through_solr_with_facet_counts(self, app):
        dataset = self.create_dataset_over_http(app)

        result = app.get(
            "/api/3/action/package_search",
            query_string={"q": "Aasee", "facet.field": json.dumps(["organization", "res_format"])},
        ).json["result"]
        assert [d["name"] for d in result["results"]] == ["aasee-monitoring"]
        assert result["facets"]["organization"] == {"stadt-muenster": 1}
        assert result["facets"]["res_format"] == {"CSV": 1}

        # The document is in the Solr core itself, not answered from the database.
        docs = requests.get(f"{tk.config['solr_url']}/select",
                            params={"q": f"id:{dataset['id']}", "wt": "json"},
                            timeout=10).json()["response"]
        assert docs["numFound"] == 1
        assert docs["docs"][0]["name"] == "aasee-monitoring"

    def test_dataset_page_renders(self, app):
        self.create_dataset_over_http(app)
        page = app.get("/dataset/aasee-monitoring")
        assert page.status_code == 200
        assert "Aasee-Monitoring" in page.body
        assert "Wassertemperatur, pH-Wert und Sauerstoff" in page.body

    def test_catalog_ttl_lists_the_dataset(self, app):
        dataset = self.create_dataset_over_http(app)
        response = app.get("/catalog.ttl")
        assert response.status_code == 200
        graph = rdflib.Graph().parse(data=response.body, format="turtle")
        DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
        titles = {str(graph.value(ds, rdflib.DCTERMS.title))
                  for ds in graph.subjects(rdflib.RDF.type, DCAT.Dataset)}
        assert titles == {"Aasee-Monitoring"}
        assert any(dataset["id"] in str(ds) for ds in graph.objects(None, DCAT.dataset))
