"""Parse DCAT documents the way a stock CKAN does, in a process of its own.

    CKAN_INI=tests/stock_ckan/stock.ini python tests/stock_ckan/parse.py JOBS.json

JOBS.json: [{"profiles": ["euro_dcat_ap_3"], "format": "turtle", "path": "…"}, …].
Loads the stock site's configuration (no ckanext-smartcityms plugin, so
ckanext-dcat works with its own scheming schema, or with none under
stock-extras.ini), parses each file with ckanext-dcat's RDFParser and the
named stock profiles and prints one JSON list: per job {"datasets": [...]}
or {"error": traceback}. A crash of the parser is a result, not an exit code:
the caller judges it.
"""
import json
import os
import sys
import traceback


def parse(job):
    from ckanext.dcat.processors import RDFParser
    parser = RDFParser(profiles=job["profiles"])
    try:
        with open(job["path"], "rb") as document:
            parser.parse(document.read(), _format=job["format"])
        return {"datasets": list(parser.datasets())}
    except Exception:
        return {"error": traceback.format_exc()}


def main(jobs_path):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    make_app(load_config(os.environ["CKAN_INI"]))
    with open(jobs_path, encoding="utf-8") as jobs:
        results = [parse(job) for job in json.load(jobs)]
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
