"""CKAN's WSGI application for a production server: `bin/portal` runs it
under gunicorn (`gunicorn ckanext.smartcityms.serving:application`).

The configuration file is the one the `ckan` command would use: CKAN_INI,
with the CKAN_* environment variables it interpolates (bin/env.sh sets both).
Each gunicorn worker builds its own app (no preloading: connections to
PostgreSQL, Redis and Solr must not be shared across a fork).
"""
import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

application = make_app(CKANConfigLoader(os.environ["CKAN_INI"]).get_config())
