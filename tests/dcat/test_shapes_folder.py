"""The SHACL shapes: shipped inside the package, and never silently missing."""
import hashlib
import logging
import pathlib

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.smartcityms.dcat import shacl
from tests.datasets import full_dataset
from tests.replay import shared_file

SHAPES = pathlib.Path(shacl.__file__).with_name("shapes")


@pytest.mark.fast
def test_the_shipped_shapes_are_byte_identical_to_their_sources_and_named_in_the_notice():
    notice = (SHAPES / "NOTICE").read_text("utf-8")
    files = sorted(p.relative_to(SHAPES).as_posix() for p in SHAPES.rglob("*") if p.is_file() and p.name != "NOTICE")
    wanted = sorted({*(f for fs in shacl.SHAPE_SETS.values() for f in fs), *shacl.VOCABULARY_FILES})
    assert files == wanted
    for relative in files:
        digest = hashlib.sha256((SHAPES / relative).read_bytes()).hexdigest()
        line = next(line for line in notice.splitlines() if line.startswith(relative + " | "))
        assert line.endswith(digest), relative
        assert len(line.split(" | ")) == 6, line  # file, repository, path, commit, licence, sha256
        assert (SHAPES / relative).read_bytes() == shared_file(f"dcat/{relative}").read_bytes(), relative


@pytest.mark.fast
def test_by_default_the_shapes_come_from_the_package():
    assert shacl.shapes_root() == SHAPES
    assert shacl.missing_files() == []


def test_a_shapes_file_that_does_not_parse_is_reported_as_unusable_shapes(tmp_path):
    import shutil
    shutil.copytree(SHAPES, tmp_path / "shapes")
    (tmp_path / "shapes" / shacl.SHAPE_SETS["semic-3.0.1"][0]).write_text("@prefix kaputt")
    with helpers.changed_config("ckanext.smartcityms.shapes_path", str(tmp_path / "shapes")):
        with pytest.raises(shacl.ShapesMissing, match="cannot be read as RDF"):
            shacl.shapes("semic-3.0.1")


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_shapes_folder_without_shapes_is_logged_at_startup_and_shown_to_editors(app, tmp_path, caplog,
                                                                                 monkeypatch):
    # CKAN's pytest plugin applies the ini's logging after this module imported ours, which
    # disables loggers that existed by then (`ckan run` configures logging first).
    monkeypatch.setattr(logging.getLogger(shacl.__name__), "disabled", False)
    with helpers.changed_config("ckanext.smartcityms.shapes_path", str(tmp_path)):
        with caplog.at_level(logging.ERROR, logger="ckanext.smartcityms"):
            p.get_plugin("smartcityms").configure(tk.config)
        assert any("DCAT-AP.de validation is unavailable" in r.getMessage() and str(tmp_path) in r.getMessage()
                   for r in caplog.records)

        sysadmin = factories.SysadminWithToken()
        org = factories.Organization(name="stadt-muenster", title="Stadt Münster")
        dataset = helpers.call_action("package_create", {"user": sysadmin["name"]}, **full_dataset(org["id"]))
        page = app.get(f"/dataset/{dataset['name']}", headers={"Authorization": sysadmin["token"]})
        assert page.status_code == 200
        assert "Die Validierung ist nicht verfügbar" in page.body, page.body[-3000:]
