import pytest

import ckan.plugins as p

from tests.replay import ReplayServer


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db, plus the tables of the plugins that own migrations.

    reset_db drops every table; the activity and harvest plugins keep their
    tables in migrations of their own, which CKAN's fixture does not re-apply.
    """
    reset_db()
    for plugin in ("activity", "harvest"):
        if p.plugin_loaded(plugin):
            migrate_db_for(plugin)


@pytest.fixture
def queues_empty():
    """ckanext-harvest's Redis queues, empty before and after the test."""
    from ckanext.harvest import queue
    queue.purge_queues()
    yield
    queue.purge_queues()


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
