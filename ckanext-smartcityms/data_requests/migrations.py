"""Our migrations, run with CKAN's own migration machinery (model.repo).

`ckan db upgrade -p smartcityms` cannot find them: CKAN derives a plugin's
migration folder from a `/ckanext/` segment in the plugin's source path,
which an editable install of this repository (package_dir maps
ckanext.smartcityms to ckanext-smartcityms/) does not have. So
`ckan smartcityms db-upgrade` (run by bin/setup-site) points the same
machinery at this folder explicitly.
"""
import contextlib
import pathlib

import ckan.model as model

ALEMBIC_INI = pathlib.Path(__file__).with_name("migration") / "alembic.ini"


@contextlib.contextmanager
def _our_repository():
    original = model.repo._alembic_ini
    model.repo._alembic_ini = str(ALEMBIC_INI)
    try:
        yield model.repo
    finally:
        model.repo._alembic_ini = original


def upgrade(version="head"):
    with _our_repository() as repo:
        repo.upgrade_db(version)


def current_version():
    with _our_repository() as repo:
        return repo.current_version()
