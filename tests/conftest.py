import pytest

import ckan.plugins as p

from tests.datasets import LICENSES, minimal_dataset
from tests.replay import ReplayServer


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db, plus the tables of the plugins that own migrations.

    reset_db drops every table; the activity and harvest plugins and ours (data
    requests) keep their tables in migrations of their own, which CKAN's
    fixture does not re-apply.
    """
    reset_db()
    for plugin in ("activity", "harvest"):
        if p.plugin_loaded(plugin):
            migrate_db_for(plugin)
    if p.plugin_loaded("smartcityms"):
        from ckanext.smartcityms.data_requests import migrations
        migrations.upgrade()


@pytest.fixture
def queues_empty():
    """ckanext-harvest's Redis queues, empty before and after the test."""
    from ckanext.harvest import queue
    _purge_harvest_queues(queue)
    yield
    _purge_harvest_queues(queue)


def _purge_harvest_queues(queue):
    """The queues, and the in-progress marks ckanext-harvest's purge leaves behind: those of
    messages a consumer popped and never acknowledged (a killed consumer, a dropped or failed
    message). Their objects went with the test's database, but after 3 minutes the ticker
    (`harvest_jobs_run`) of a later test sent them again, and a test that runs as many fetch
    messages as its job has objects ran one of those instead of its own."""
    from ckanext.smartcityms.harvesters.watchdog import CLAIM_PREFIX
    queue.purge_queues()
    connection = queue.get_connection()
    for pattern in (queue.get_fetch_routing_key() + ":*", queue.get_gather_routing_key() + ":*",
                    CLAIM_PREFIX + "*"):
        for key in connection.scan_iter(match=pattern):
            connection.delete(key)


@pytest.fixture
def live_ckan():
    """`ckan run` of the test configuration in its own process: what a browser or API client meets."""
    import ckan.plugins.toolkit as tk
    from tests.browser import LiveCKAN
    server = LiveCKAN(tk.config["__file__"])
    yield server
    server.stop()


@pytest.fixture
def fresh_limits():
    """No rate-limit window of an earlier test (they live a minute in Redis)."""
    def clear():
        from ckanext.smartcityms import cache
        connection = cache.redis_connection()
        for found in connection.scan_iter(cache.key("data-request-rate", "*")):
            connection.delete(found)
    clear()
    yield
    clear()


@pytest.fixture
def replay_server():
    server = ReplayServer().start()
    yield server
    server.stop()


@pytest.fixture
def clean_datastore(clean_db, clean_index):
    """CKAN's clean_datastore (ckanext/datastore/tests/conftest.py), with our clean_db."""
    from ckanext.datastore.tests import helpers
    engine = helpers.db.get_write_engine()
    helpers.rebuild_all_dbs(helpers.orm.scoped_session(helpers.orm.sessionmaker(bind=engine)))


@pytest.fixture
def catalogue(clean_db, clean_index):
    """Four datasets in two Handlungsfelder and two projects, one of them not open data."""
    from ckan.tests import factories, helpers
    sysadmin = factories.Sysadmin()
    # No image: the factory's default points at a server on the internet.
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster", image_url="")
    made = []
    for name, title, fields, projects, licence in [
        ("parkhaeuser", "Parkhäuser: Belegung", ["mobilitaet-verkehr"], ["mobilitaetsplattform"], "dl-by-de/2.0"),
        ("radzaehlung", "Radverkehr: Zählstellen", ["mobilitaet-verkehr"], [], "dl-zero-de/2.0"),
        ("aasee", "Aasee-Monitoring", ["umwelt-energie-klima"], ["aaseemonitoring"], "dl-zero-de/2.0"),
        ("fahrplan", "Fahrplan", ["mobilitaet-verkehr"], [], "other-closed"),
    ]:
        dataset = minimal_dataset(org["id"], name=name, title=title, handlungsfeld=fields, projekt=projects)
        dataset["resources"][0]["license"] = LICENSES + licence
        if licence == "dl-by-de/2.0":
            dataset["resources"][0]["license_attribution_by_text"] = "Stadt Münster"
        made.append(helpers.call_action("package_create", {"user": sysadmin["name"]}, **dataset))
    return made


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with empty process caches: clean_db drops stored reference
    data and organizations without the revisions changing."""
    from ckanext.smartcityms import cache
    cache.clear_process_caches()
    yield
    cache.clear_process_caches()


def pytest_collection_modifyitems(config, items):
    """Tests that need SolrCloud run in `bin/test --cloud` only (reported as deselected elsewhere)."""
    import os
    if os.environ.get("SCMS_SOLR_MODE") == "cloud":
        return
    cloud = [item for item in items if item.get_closest_marker("cloud")]
    if cloud:
        config.hook.pytest_deselected(items=cloud)
        items[:] = [item for item in items if not item.get_closest_marker("cloud")]
