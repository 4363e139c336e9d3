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
    that setuptools installs them all, code or not. A folder whose name has a
    dot (dcat/shapes/shacl/dcat-ap.de-release, named as upstream names it)
    cannot be a package name; its files are data of the enclosing package."""
    found, data = [package], {package: ["*"]}
    for path in sorted((HERE / folder).rglob("*")):
        relative = path.relative_to(HERE / folder)
        if "__pycache__" in relative.parts:
            continue
        dotted = next((i for i, part in enumerate(relative.parts) if "." in part and path.is_dir()
                       or "." in part and i < len(relative.parts) - 1), None)
        if dotted is not None:
            if path.is_file():
                owner = ".".join((package, *relative.parts[:dotted]))
                data.setdefault(owner, ["*"]).append("/".join(relative.parts[dotted:]))
            continue
        if path.is_dir():
            name = ".".join((package, *relative.parts))
            found.append(name)
            data.setdefault(name, ["*"])
    return found, data


packages, package_data = [], {}
for package, folder in PACKAGE_DIRS.items():
    found, data = with_subfolders(package, folder)
    packages.extend(found)
    package_data.update(data)

setup(
    name="ckanext-smartcityms",
    version="0.1.0",
    description="Open data catalogue of the Smart City Münster (CKAN extension)",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir=PACKAGE_DIRS,
    packages=packages,
    package_data=package_data,
    entry_points={
        "ckan.plugins": [
            "smartcityms = ckanext.smartcityms.plugin:SmartCityMsPlugin",
            "smartcityms_sensor_chart = ckanext.smartcityms.web.sensor_views:SensorChartView",
            "smartcityms_sensor_map = ckanext.smartcityms.web.sensor_views:SensorMapView",
            "smartcityms_table_chart = ckanext.smartcityms.web.table_chart:TableChartView",
            "dcat_ap_de_harvester = ckanext.smartcityms.harvesters.dcat_ap_de:DCATAPdeHarvester",
            "opensensemap_harvester = ckanext.smartcityms.harvesters.opensensemap.harvester:OpenSenseMapHarvester",
            "stadtwerke_ms_harvester = ckanext.smartcityms.harvesters.stadtwerke.harvester:StadtwerkeHarvester",
            "muenster_portal_harvester = ckanext.smartcityms.harvesters.muenster_portal.harvester:MuensterPortalHarvester",
        ],
        "ckan.rdf.profiles": [
            "dcat_ap_de = ckanext.smartcityms.dcat.profile:DCATAPdeProfile",
        ],
    },
    zip_safe=False,
)
