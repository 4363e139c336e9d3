"""ckanext-smartcityms: the open data catalogue of the Smart City Münster."""
from setuptools import setup

# The repository root shows the architecture: each top-level folder is one
# concern, mapped into the ckanext.smartcityms import package.
PACKAGE_DIRS = {
    "ckanext.smartcityms": "ckanext-smartcityms",
    "ckanext.smartcityms.harvesters": "harvesters",
    "ckanext.smartcityms.schemas": "schemas",
    "ckanext.smartcityms.i18n": "i18n",
}

setup(
    name="ckanext-smartcityms",
    version="0.1.0",
    description="Open data catalogue of the Smart City Münster (CKAN extension)",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir=PACKAGE_DIRS,
    packages=list(PACKAGE_DIRS),
    include_package_data=True,
    package_data={
        "ckanext.smartcityms": [
            "config_declaration.yaml",
            "demo/*.json",
            "templates/**/*",
            "public/**/*",
            "assets/**/*",
        ],
        "ckanext.smartcityms.schemas": ["*.yaml", "*.json"],
        "ckanext.smartcityms.i18n": ["*.pot", "*/LC_MESSAGES/*.po", "*/LC_MESSAGES/*.mo"],
    },
    entry_points={
        "ckan.plugins": [
            "smartcityms = ckanext.smartcityms.plugin:SmartCityMsPlugin",
        ],
    },
    zip_safe=False,
)
