"""Runs our migrations online, with a version table of our own beside CKAN's."""
from alembic import context
from sqlalchemy import engine_from_config, pool

VERSION_TABLE = "smartcityms_alembic_version"


def run():
    settings = context.config.get_section(context.config.config_ini_section)
    engine = engine_from_config(settings, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("ckanext-smartcityms migrations run online only")
run()
