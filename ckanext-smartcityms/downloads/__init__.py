"""Bulk downloads: one archive per dataset, Handlungsfeld or organization, and the
whole catalogue's metadata as JSON Lines and Turtle.

* `scope`: which public datasets an archive holds, and its version (what
  the archive depends on: the datasets, their tables, organization and strategy);
* `archive`: the ZIP itself (copies, links, DataStore tables as CSV,
  datapackage.json, DCAT Turtle, a README that lists what was left out and why);
* `datapackage`: the Frictionless Data Package descriptor;
* `store`: where archives and dumps are kept, and their state in Redis;
* `jobs`: archives built by the background job worker, once per version;
* `catalogue_dump`: the metadata dumps, rebuilt in the background after a change.
"""
