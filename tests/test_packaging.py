"""A normal (non-editable) install carries the whole extension, and works without ../shared."""
import json
import pathlib
import shutil
import site
import subprocess
import sys
import zipfile

import pytest

from ckan.tests import factories, helpers
from ckanext.dcat.processors import RDFSerializer

from tests.datasets import full_dataset

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # Build from a clean copy: an in-tree build/ could hide missing files.
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "var", "build", "*.egg-info", "__pycache__", "target", "node_modules"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(folder), str(source)],
        check=True, capture_output=True)
    found, = folder.glob("ckanext_smartcityms-*.whl")
    return found


def test_wheel_contains_plugin_data_and_entry_point(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names
                            if n.endswith("entry_points.txt"))
    for expected in ("ckanext/smartcityms/plugin.py",
                     "ckanext/smartcityms/config_declaration.yaml",
                     "ckanext/smartcityms/demo/content.json",
                     "ckanext/smartcityms/harvesters/queue_consumers.py",
                     "ckanext/smartcityms/schemas/__init__.py",
                     "ckanext/smartcityms/i18n/__init__.py",
                     "ckanext/smartcityms/dcat/shapes/NOTICE",
                     "ckanext/smartcityms/dcat/shapes/shacl/dcat-ap.de-release/V3.0/dcat-ap-SHACL-DE.ttl",
                     "ckanext/smartcityms/dcat/shapes/shacl/semic-dcat-ap/3.0.1/dcat-ap-SHACL.ttl"):
        assert expected in names
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
    assert "smartcityms = ckanext.smartcityms.plugin:SmartCityMsPlugin" in entry_points


VALIDATE = """
import json, pathlib, sys
import rdflib
from ckanext.smartcityms.dcat import shacl
root = shacl.shapes_root()
graph = rdflib.Graph().parse(sys.argv[1], format="turtle")
findings = shacl.validate(graph)
print(json.dumps({"root": str(root), "missing": shacl.missing_files(),
                  "shape_sets": sorted({f.shape_set for f in findings} | set(shacl.SHAPE_SETS)),
                  "violations": [f"{f.shape_set}: {f.message}" for f in shacl.violations(findings)]}))
"""


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_the_installed_wheel_validates_without_the_shared_folder(wheel, tmp_path):
    """Installed from the wheel into a fresh virtualenv, with no shared/ anywhere near it,
    validation finds its shapes in the package and the full fixture passes both shape sets."""
    org = factories.Organization(name="stadt-muenster", title="Stadt Münster")
    dataset = helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]},
                                  **full_dataset(org["id"]))
    turtle = tmp_path / "dataset.ttl"
    turtle.write_text(RDFSerializer(profiles=["dcat_ap_de"]).serialize_dataset(dataset, _format="turtle"))

    venv = tmp_path / "fresh-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                    str(wheel)], check=True, capture_output=True)
    fresh_site = pathlib.Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    # The dependencies (CKAN, ckanext-dcat, rdflib, pyshacl) come from the project's
    # virtualenv as a plain path: its .pth files (our editable install) are not run.
    (fresh_site / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    result = subprocess.run([str(python), "-I", "-c", VALIDATE, str(turtle)], cwd=workdir,
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert pathlib.Path(report["root"]).is_relative_to(fresh_site), report["root"]
    assert report["missing"] == []
    assert report["shape_sets"] == ["govdata-3.0", "semic-3.0.1"]
    assert report["violations"] == []
