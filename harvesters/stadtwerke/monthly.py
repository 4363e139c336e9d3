"""Monthly time-series files (`timeseries_csv` feeds): which months to read, and the dataset they make.

A feed names a URL template with {month} and its first month. Months that
are new, or recent enough to still change, are downloaded; older months an
earlier run loaded keep what they had and are not downloaded again.
"""
import datetime
import json

from ckanext.smartcityms.outbound import http
from ckanext.smartcityms.harvesters.stadtwerke import datasets

UNCHANGED_MONTHS_BEFORE = 1  # the current and the previous month are re-read: late rows arrive


def months_between(first, now):
    year, month = int(first[:4]), int(first[5:])
    while (year, month) <= (now.year, now.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def build_feed(feed, existing, limits):
    """Reads the months that are new or may still change; older known months are kept as they are."""
    known = {r["feed_role"][6:]: r for r in (existing or {}).get("resources", [])
             if str(r.get("feed_role", "")).startswith("month:")}
    now = datetime.date.today()
    recent = {m for m in months_between(
        f"{(now.replace(day=1) - datetime.timedelta(days=UNCHANGED_MONTHS_BEFORE * 28)):%Y-%m}", now)}
    months, problems = {}, []

    def keep_known(month, url, problem=None):
        """A month we cannot (or need not) read now keeps what an earlier run loaded."""
        if problem:
            problems.append(problem)
        if month in known:
            months[month] = (url, None, known[month].get("hash"), None)

    for month in months_between(feed["since"], now):
        url = feed["url"].replace("{month}", month)
        if month in known and month not in recent:
            keep_known(month, url)
            continue
        try:
            response = http.fetch_response(url, **limits)
        except http.FetchError as error:
            keep_known(month, url, f"{month}: {error}; tried again on the next run")
            continue
        if response.status == 404:  # not published (yet); published once and gone: say so
            keep_known(month, url, f"{month}: {url} answered 404; the month is kept from an earlier run"
                       if month in known else None)
            continue
        if response.status >= 400:
            keep_known(month, url, f"{month}: {url} answered HTTP {response.status}; tried again on the next run")
            continue
        digest = datasets.sha256(response.body)
        if month in known and known[month].get("hash") == digest:
            keep_known(month, url)
            continue
        try:
            reading = datasets.read_month(feed, response.body)
        except ValueError as error:
            keep_known(month, url, f"{month}: {error}; month not loaded")
            continue
        months[month] = (url, response.body, digest, reading)
    if not months:
        raise ValueError("no monthly file could be read" + (": " + "; ".join(problems[:5]) if problems else ""))
    previous_table = next((r for r in (existing or {}).get("resources", [])
                           if r.get("feed_role") == "measurements"), {})
    previous_columns = json.loads(previous_table.get("feed_columns") or "[]")
    built, columns = datasets.build_timeseries(feed, months, previous_columns)
    table = built.tables[0]
    next(r for r in built.dataset["resources"] if r["feed_role"] == "measurements")[
        "feed_columns"] = json.dumps(columns, ensure_ascii=False)
    table.rows = [row for month in sorted(months) if months[month][3] is not None
                  and months[month][3].columns == columns
                  for row in datasets.timeseries_rows(months[month][3])]
    built.warnings[:0] = problems
    return built
