"""One record of the old portal's export (export.records) as a dataset of our
schema, with a report of every field: what was mapped, what the old portal
left empty, what it held that has no place or no match here. Pure: the
harvester adds the organization, the Handlungsfeld and the ids.

A dataset that lacks what DCAT-AP.de requires (a licence on every
distribution, a description) is built private and lists what is missing
(`missing`): it goes to the editors' worklist, never out as open data.
"""
from ckanext.smartcityms.harvesters.muenster_portal import mapping
from ckanext.smartcityms.reference import vocabularies

# The export's formats -> our file-type labels (services: WFS_SRVC, WMS_SRVC)
FORMATS = {"csv": "CSV", "xlsx": "XLSX", "wfs": "WFS_SRVC", "pdf": "PDF", "html": "HTML", "shape": "SHP",
           "geojson": "GEOJSON", "xls": "XLS", "wms": "WMS_SRVC", "kml": "KML", "json": "JSON", "zip": "ZIP",
           "xml": "XML", "png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "txt": "TXT", "gml": "GML", "ods": "ODS"}
EU = "http://publications.europa.eu/resource/authority/"
LANGUAGES = {"de": "DEU", "de-de": "DEU", "en": "ENG", "en-gb": "ENG", "en-us": "ENG"}
LANGUAGE = EU + "language/"
STATUS = {"Vollständig": EU + "distribution-status/COMPLETED", "in Entwicklung": EU + "distribution-status/DEVELOP"}
AVAILABILITY = {"Daten werden langfristig erhältlich bleiben.": EU + "planned-availability/STABLE",
                "Daten sind für einige Jahre verfügbar, mittelfristige Planung": EU + "planned-availability/AVAILABLE"}
MUNICIPALITY_LEVEL = "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
DISTRICT_LEVEL = "http://dcat-ap.de/def/politicalGeocoding/Level/administrativeDistrict"
GEOLEVELS = {"kommunale Ebene": MUNICIPALITY_LEVEL, "Ebene der Landkreise und Regierungsbezirke": DISTRICT_LEVEL}


class Built:
    def __init__(self, dataset, report, missing, publisher, former_name, node_id):
        self.dataset, self.report, self.missing = dataset, report, missing
        self.publisher, self.former_name, self.node_id = publisher, former_name, node_id


def _set(dataset, report, field, value, source):
    """Put `value` into `field` when there is one; the report says which it was."""
    if value in (None, "", []):
        report[field] = "unmapped" if source else "empty"
        return
    dataset[field] = value
    report[field] = "mapped"


def build(record):
    row = record["dataset"]
    dataset, report = {}, {}
    former_name = row.get("Dataset-Name") or ""
    name = mapping.ckan_name(former_name) or mapping.ckan_name(row.get("Title"))
    dataset["name"] = name
    _set(dataset, report, "title", row.get("Title"), row.get("Title"))
    _set(dataset, report, "notes", mapping.markdown_of(row.get("Description"), row.get("Textformat")),
         row.get("Description"))
    _set(dataset, report, "identifier", row.get("Dataset-ID"), row.get("Dataset-ID"))
    _set(dataset, report, "url", row.get("Homepage URL") if (row.get("Homepage URL") or "").startswith(
        ("http://", "https://")) else None, row.get("Homepage URL"))
    _set(dataset, report, "contact_name", row.get("Contact Name") or row.get("Author"),
         row.get("Contact Name") or row.get("Author"))
    _set(dataset, report, "contact_email", row.get("Contact Email"), row.get("Contact Email"))
    _set(dataset, report, "spatial", mapping.spatial(row.get("Geographical Coverage Area")),
         row.get("Geographical Coverage Area"))
    _set(dataset, report, "frequency", mapping.frequency_uri(row.get("Frequency")), row.get("Frequency"))
    _set(dataset, report, "theme", mapping.themes(row.get("Tags"), row.get("DD Thema")),
         row.get("Tags") or row.get("DD Thema"))
    tags = mapping.keywords(row.get("Schlagworte"))
    _set(dataset, report, "tags", [{"name": tag} for tag in tags], row.get("Schlagworte"))
    _set(dataset, report, "issued", mapping.date_of(row.get("Created")), row.get("Created"))
    _set(dataset, report, "modified", mapping.date_of(row.get("Modified")), row.get("Modified"))
    language = LANGUAGES.get((row.get("Language") or "").lower())
    _set(dataset, report, "language", [LANGUAGE + language] if language else None, row.get("Language"))
    _set(dataset, report, "temporal_start", mapping.date_of(row.get("Temporal Coverage Start")),
         row.get("Temporal Coverage Start"))
    _set(dataset, report, "temporal_end", mapping.date_of(row.get("Temporal Coverage End")),
         row.get("Temporal Coverage End"))
    levels = [GEOLEVELS[label] for label, _key in mapping.labelled_values(row.get("DD Geolevel")) if label in GEOLEVELS]
    _set(dataset, report, "political_geocoding_level_uri", levels[0] if levels else None, row.get("DD Geolevel"))
    originators = [label for label, _key in mapping.labelled_values(row.get("DD Originator"))]
    _set(dataset, report, "originator_name", ", ".join(originators), row.get("DD Originator"))
    conforms = [value for value in (row.get("DD ConformsTo") or "").split() if value.startswith("http")]
    _set(dataset, report, "conforms_to", conforms, row.get("DD ConformsTo"))

    licence = _known_licence(mapping.license_uri(row.get("License")))
    publisher = mapping.publisher(row.get("Groups"))
    # who is named where a licence asks for attribution, when the resource names no one itself
    attribution = row.get("Author") or (publisher[0] if publisher else "")
    resources = [_resource(cells, licence, attribution) for cells in record["resources"]]
    dataset["resources"] = [resource for resource, _problem in resources]
    missing = sorted({problem for _resource, problem in resources if problem})
    report["resources"] = "mapped" if dataset["resources"] else "empty"
    if not dataset["resources"]:
        missing.append("resources")
    if not dataset.get("notes"):
        missing.append("notes")
    if licence is None:
        report["license"] = "unsettled"  # "Lizenz ungeklärt": not published as open data
    dataset["private"] = bool(missing)
    return Built(dataset, report, missing, publisher, former_name, row.get("Node-ID") or None)


def _known_licence(uri):
    """The licence if our DCAT-AP.de list has it (the export also names retired ones, such as
    an unversioned `cc-by-sa`); None, an unsettled licence, otherwise."""
    return vocabularies.vocabulary("license").resolve(uri) if uri else None


def _resource(cells, dataset_licence, attribution_fallback):
    """(resource, the field DCAT-AP.de requires that it lacks or None)."""
    url = cells.get("Resource-Url") or cells.get("Resource-Path") or ""
    resource = {"url": url, "name": cells.get("Resource-Name") or url.rsplit("/", 1)[-1]}
    description = mapping.markdown_of(cells.get("Beschreibung"), cells.get("Beschreibung-Format"))
    if description:
        resource["description"] = description
    label = FORMATS.get((cells.get("Format") or "").strip().lower())
    if label:
        resource["format"] = label
    found = mapping.service(cells.get("Format"), url)
    if found:
        resource["service_type"] = found["type"]
        resource["service_endpoint"] = found["endpoint"]
        resource["service_capabilities"] = found["capabilities"]
        resource["service_layers"] = found["layers"]
    if mapping.link_broken(cells.get("HTTP-Responsecode")):
        resource["link_broken"] = cells["HTTP-Responsecode"]
    licence = _known_licence(mapping.license_uri(None, cells.get("DD License"))) or dataset_licence
    statuses = [STATUS[label] for label, _key in mapping.labelled_values(cells.get("DD Status")) if label in STATUS]
    if statuses:
        resource["status"] = statuses[0]
    availability = [AVAILABILITY[label] for label, _key in mapping.labelled_values(cells.get("DD Availability"))
                    if label in AVAILABILITY]
    if availability:
        resource["availability"] = availability[0]
    attribution = mapping.markdown_of(cells.get("DD Licensetext")) or attribution_fallback
    if licence is None:
        return resource, "license"
    resource["license"] = licence
    if attribution:
        resource["license_attribution_by_text"] = attribution[:500]
    elif vocabularies.license_requires_attribution(licence):
        return resource, "license_attribution_by_text"
    return resource, None
