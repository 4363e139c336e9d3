"""A normal (non-editable) install carries the whole extension."""
import pathlib
import shutil
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_wheel_contains_plugin_data_and_entry_point(tmp_path):
    # Build from a clean copy: an in-tree build/ could hide missing files.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "var", "build", "*.egg-info", "__pycache__", "target"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path), str(source)],
        check=True, capture_output=True)
    wheel, = tmp_path.glob("ckanext_smartcityms-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names
                            if n.endswith("entry_points.txt"))
    for expected in ("ckanext/smartcityms/plugin.py",
                     "ckanext/smartcityms/config_declaration.yaml",
                     "ckanext/smartcityms/demo/content.json",
                     "ckanext/smartcityms/harvesters/queue_consumers.py",
                     "ckanext/smartcityms/schemas/__init__.py",
                     "ckanext/smartcityms/i18n/__init__.py"):
        assert expected in names
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
    assert "smartcityms = ckanext.smartcityms.plugin:SmartCityMsPlugin" in entry_points
