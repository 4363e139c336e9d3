"""Describing a GeoJSON layer (Park+Ride, Bike+Ride, …): feature count,
bounding box, the properties the features carry and their geometry types."""
from ckanext.smartcityms.harvesters.stadtwerke.readers import json_document


class LayerError(ValueError):
    """Not a GeoJSON FeatureCollection we can describe."""


def _positions(coordinates):
    if (isinstance(coordinates, list) and len(coordinates) >= 2
            and all(isinstance(c, (int, float)) for c in coordinates[:2])):
        yield float(coordinates[0]), float(coordinates[1])
    elif isinstance(coordinates, list):
        for part in coordinates:
            yield from _positions(part)


def describe(raw):
    collection = json_document.parse(raw, LayerError, "the file")
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise LayerError("the file is not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list):
        raise LayerError("the FeatureCollection has no 'features' list")
    properties, geometry_types, positions = {}, set(), []
    for feature in features:
        if not isinstance(feature, dict):
            continue
        for key in (feature.get("properties") or {}):
            properties[key] = None
        geometry = feature.get("geometry") or {}
        if geometry.get("type"):
            geometry_types.add(geometry["type"])
        positions.extend(_positions(geometry.get("coordinates")))
    outside = [p for p in positions if not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90)]
    if outside:
        raise LayerError("coordinates are not longitude/latitude (WGS 84); "
                         f"e.g. {outside[0][0]},{outside[0][1]}")
    bbox = None
    if positions:
        lons, lats = [p[0] for p in positions], [p[1] for p in positions]
        bbox = (min(lons), min(lats), max(lons), max(lats))
    titles = [str((f.get("properties") or {}).get("title") or (f.get("properties") or {}).get("name") or "")
              for f in features if isinstance(f, dict)]
    return {"count": len(features), "bbox": bbox, "properties": list(properties),
            "geometry_types": sorted(geometry_types), "titles": [t for t in titles if t]}
