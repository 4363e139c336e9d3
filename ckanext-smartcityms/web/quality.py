"""The metadata quality dashboard: per organization and per Handlungsfeld, worst first.

Reads the scores the link-check job stored (quality.score); a dataset not
assessed yet is counted and named as such. Nothing is validated or fetched
while the page is built.
"""
import statistics

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import strategy
from ckanext.smartcityms.quality import indicators, score

quality = Blueprint("smartcityms_quality", __name__)
SHOWN_PER_GROUP = 10


def _group(entries):
    assessed = sorted((e for e in entries if e.get("score") is not None), key=lambda e: (e["score"], e["name"]))
    average = round(statistics.mean(e["score"] for e in assessed)) if assessed else None
    return {
        "count": len(entries), "assessed": len(assessed), "average": average,
        "rating": indicators.rating_of(average) if average is not None else None,
        "worst": assessed[:SHOWN_PER_GROUP],
        "not_assessed": [e for e in entries if e.get("score") is None],
    }


@quality.route("/qualitaet")
def dashboard():
    datasets = list(score.catalogue_datasets({}, fl="id,name,title,organization"))
    summaries = score.stored(d["id"] for d in datasets)
    entries = [summaries.get(d["id"]) or {"name": d["name"], "title": d.get("title") or d["name"], "score": None}
               for d in datasets]
    by_org, by_field = {}, {}
    for dataset, entry in zip(datasets, entries):
        by_org.setdefault(dataset.get("organization") or "-", []).append(entry)
        for slug in entry.get("handlungsfeld") or []:
            by_field.setdefault(slug, []).append(entry)
    organizations = {o["name"]: o for o in tk.get_action("organization_list")({}, {"all_fields": True})}
    org_groups = sorted(({"name": name, "title": (organizations.get(name) or {}).get("title") or name,
                          **_group(items)} for name, items in by_org.items()),
                        key=lambda g: (g["average"] is None, g["average"] or 0))
    field_groups = sorted(({"slug": slug, "title": (strategy.handlungsfeld(slug) or {}).get("title", {}),
                            **_group(items)} for slug, items in by_field.items()),
                          key=lambda g: (g["average"] is None, g["average"] or 0))
    return tk.render("smartcityms/quality.html", {
        "overall": _group(entries), "organizations": org_groups, "fields": field_groups,
        "maximum": indicators.MAXIMUM, "rating_labels": indicators.RATING_LABELS})
