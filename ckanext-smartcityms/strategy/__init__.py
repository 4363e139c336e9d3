"""The Smart City strategy: Handlungsfelder and projects (reading, lookup, URIs, seed, SKOS).

Other rooms use this package's functions; editing lives in web.admin.
"""
from ckanext.smartcityms.strategy.entries import (  # noqa: F401  (the package's interface)
    StaleEdit, data, handlungsfeld, handlungsfelder, handlungsfelder_data, projekt, projekte, projekte_data,
    shipped, store, stored, update)
from ckanext.smartcityms.strategy.seed import seed  # noqa: F401

__all__ = ["StaleEdit", "data", "handlungsfeld", "handlungsfelder", "handlungsfelder_data", "projekt", "projekte",
           "projekte_data", "seed", "shipped", "store", "stored", "update"]
