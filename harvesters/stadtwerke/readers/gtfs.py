"""Describing a GTFS timetable zip from its content.

The Stadtwerke feed has come with CRLF line ends, a byte-order mark and
without optional files; `summarise` copes with all of these and names the
missing *required* file when the zip is unusable (truncated downloads are
the common case).
"""
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from ckanext.smartcityms.harvesters.stadtwerke.readers import bounded_csv

REQUIRED = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
# A zip that unpacks to more than this, or a large member compressed more
# than MAX_RATIO : 1, is refused before anything is unpacked (zip bombs).
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200


class GtfsError(ValueError):
    """The zip is not a usable GTFS feed; the message says why."""


@dataclass
class Stop:
    stop_id: str
    name: str
    lat: float
    lon: float
    location_type: str
    parent_station: str


@dataclass
class Summary:
    agencies: list
    route_count: int
    stops: list
    service_start: datetime.date | None
    service_end: datetime.date | None
    files: list
    problems: list

    @property
    def bbox(self):
        if not self.stops:
            return None
        lons = [s.lon for s in self.stops]
        lats = [s.lat for s in self.stops]
        return (min(lons), min(lats), max(lons), max(lats))


def _rows(archive, name):
    """Rows of one file as dicts; BOM, CRLF and stray spaces in the header tolerated."""
    text = archive.read(name).decode("utf-8-sig", errors="replace")
    reader = bounded_csv.dict_reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))
    reader.fieldnames = [f.strip().lstrip("\ufeff") for f in reader.fieldnames or []]
    for row in reader:
        yield {k: (v or "").strip() for k, v in row.items() if k is not None}


def _date(text):
    try:
        return datetime.datetime.strptime(text, "%Y%m%d").date()
    except (TypeError, ValueError):
        return None


def _check_members(archive):
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.flag_bits & 0x1:
            raise GtfsError(f"{info.filename} in the zip is encrypted")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise GtfsError(f"{info.filename} in the zip is compressed more than {MAX_RATIO}:1; refused")
    if total > MAX_UNCOMPRESSED:
        raise GtfsError(f"the zip unpacks to {total:,} bytes, more than the limit of {MAX_UNCOMPRESSED:,}")


def summarise(raw):
    try:
        return _summarise(raw)
    except GtfsError:
        raise
    except (csv.Error, RuntimeError, NotImplementedError, zipfile.BadZipFile, EOFError, OverflowError,
            UnicodeError, OSError) as error:
        raise GtfsError(f"the GTFS files cannot be read ({error.__class__.__name__}: {str(error)[:200]})")


def _summarise(raw):
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise GtfsError(f"the file is not a readable zip archive ({error}); a truncated download?")
    except zipfile.LargeZipFile:
        raise GtfsError("the zip archive is too large")
    _check_members(archive)
    try:
        broken = archive.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise GtfsError(f"the file is not a readable zip archive ({error}); a truncated download?")
    if broken:
        raise GtfsError(f"the zip archive is damaged at {broken}")
    # Some producers put the files into a folder inside the zip.
    names = {name.rsplit("/", 1)[-1]: name for name in archive.namelist() if not name.endswith("/")}
    missing = [f for f in REQUIRED if f not in names]
    if missing:
        raise GtfsError(f"required GTFS file(s) missing: {', '.join(missing)}")
    problems = []

    agencies = [row.get("agency_name", "") for row in _rows(archive, names["agency.txt"])]
    route_count = sum(1 for _ in _rows(archive, names["routes.txt"]))
    stops = []
    for number, row in enumerate(_rows(archive, names["stops.txt"]), start=2):
        try:
            lat, lon = float(row["stop_lat"]), float(row["stop_lon"])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses nan and inf
                raise ValueError("position")
            stops.append(Stop(row["stop_id"], row.get("stop_name", ""), lat, lon,
                              row.get("location_type", ""), row.get("parent_station", "")))
        except (KeyError, ValueError):
            problems.append(f"stops.txt line {number}: no usable stop_id/stop_lat/stop_lon; stop left out")

    starts, ends = [], []
    if "feed_info.txt" in names:
        for row in _rows(archive, names["feed_info.txt"]):
            starts.append(_date(row.get("feed_start_date")))
            ends.append(_date(row.get("feed_end_date")))
    if not any(starts) and "calendar.txt" in names:
        for row in _rows(archive, names["calendar.txt"]):
            starts.append(_date(row.get("start_date")))
            ends.append(_date(row.get("end_date")))
    if not any(starts) and "calendar_dates.txt" in names:
        dates = [_date(row.get("date")) for row in _rows(archive, names["calendar_dates.txt"])]
        starts, ends = dates, dates
    starts, ends = [d for d in starts if d], [d for d in ends if d]
    if not starts:
        problems.append("no service period found (feed_info.txt, calendar.txt and calendar_dates.txt "
                        "give no dates)")
    return Summary(agencies=[a for a in agencies if a], route_count=route_count, stops=stops,
                   service_start=min(starts) if starts else None,
                   service_end=max(ends) if ends else None,
                   files=sorted(names), problems=problems)
