"""GeoJSON geometries of datasets (`spatial`, WGS 84): positions, bounding box, WKT."""
import json

DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
         "Polygon": 2, "MultiPolygon": 3}


def positions(coordinates):
    """Every [lon, lat, ...] position in a coordinates array of any nesting."""
    if not isinstance(coordinates, (list, tuple)):
        raise TypeError("coordinates are nested arrays of numbers")
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield coordinates
        return
    for part in coordinates:
        yield from positions(part)


def bounds(geometry):
    """(west, south, east, north) of a geometry dict."""
    xs, ys = [], []
    for lon, lat, *_ in positions(geometry["coordinates"]):
        xs.append(lon)
        ys.append(lat)
    return min(xs), min(ys), max(xs), max(ys)


def stored_geometry_bounds(value):
    """(type, (west, south, east, north)) of a stored geometry (GeoJSON text or
    dict) as floats, or None if it cannot be read."""
    try:
        geometry = json.loads(value) if isinstance(value, str) else value
        return geometry["type"], tuple(float(v) for v in bounds(geometry))
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, AttributeError):
        return None


def _ring_wkt(ring):
    return "(" + ", ".join(f"{x} {y}" for x, y, *_ in ring) + ")"


def to_wkt(geometry):
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return f"POINT ({coords[0]} {coords[1]})"
    if kind in ("LineString", "MultiPoint"):
        return f"{kind.upper()} {_ring_wkt(coords)}"
    if kind in ("Polygon", "MultiLineString"):
        return f"{kind.upper()} (" + ", ".join(_ring_wkt(r) for r in coords) + ")"
    if kind == "MultiPolygon":
        return "MULTIPOLYGON (" + ", ".join(
            "(" + ", ".join(_ring_wkt(r) for r in polygon) + ")" for polygon in coords) + ")"
    raise KeyError(kind)


def bbox_wkt(geometry):
    west, south, east, north = bounds(geometry)
    return f"POLYGON (({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}))"
