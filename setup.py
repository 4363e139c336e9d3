"""ckanext-smartcityms: the open data catalogue of the Smart City Münster."""
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent

# The repository root shows the architecture: each top-level folder is one
# concern, mapped into the ckanext.smartcityms import package.
PACKAGE_DIRS = {
    "ckanext.smartcityms": "ckanext-smartcityms",
    "ckanext.smartcityms.harvesters": "harvesters",
    "ckanext.smartcityms.schemas": "schemas",
    "ckanext.smartcityms.i18n": "i18n",
}


def with_subfolders(package, folder):
    """The package and every folder below it (templates, assets, data), so
    that setuptools installs them all, code or not."""
    found = [package]
    for path in sorted((HERE / folder).rglob("*")):
        relative = path.relative_to(HERE / folder)
        if path.is_dir() and "__pycache__" not in relative.parts:
            found.append(".".join((package, *relative.parts)))
    return found


packages = [p for package, folder in PACKAGE_DIRS.items()
            for p in with_subfolders(package, folder)]

setup(
    name="ckanext-smartcityms",
    version="0.1.0",
    description="Open data catalogue of the Smart City Münster (CKAN extension)",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir=PACKAGE_DIRS,
    packages=packages,
    package_data={package: ["*"] for package in packages},
    entry_points={
        "ckan.plugins": [
            "smartcityms = ckanext.smartcityms.plugin:SmartCityMsPlugin",
            "smartcityms_sensor_chart = ckanext.smartcityms.sensor_views:SensorChartView",
            "smartcityms_sensor_map = ckanext.smartcityms.sensor_views:SensorMapView",
            "dcat_ap_de_harvester = ckanext.smartcityms.harvesters.dcat_ap_de:DCATAPdeHarvester",
            "opensensemap_harvester = ckanext.smartcityms.harvesters.opensensemap:OpenSenseMapHarvester",
            "stadtwerke_ms_harvester = ckanext.smartcityms.harvesters.stadtwerke:StadtwerkeHarvester",
        ],
        "ckan.rdf.profiles": [
            "dcat_ap_de = ckanext.smartcityms.dcat_profile:DCATAPdeProfile",
        ],
    },
    zip_safe=False,
)
