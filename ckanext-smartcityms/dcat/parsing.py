"""From a parsed DCAT-AP(.de) dataset to a dataset of our schema.

ckanext-dcat's DCAT-AP 3 profile yields its own field layout (contact and
publisher lists, temporal/spatial coverage lists, literal or URI formats).
This maps it onto the fields of schemas/dataset.yaml. Values outside our
vocabularies are mapped where a mapping exists; otherwise they are left out
*and* reported in `dataset_dict["__warnings"]`, which the harvester turns
into harvest warnings, so nothing disappears silently.
"""
import json

from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF

from ckanext.smartcityms import strategy
from ckanext.smartcityms.fields import keywords
from ckanext.smartcityms.fields.lists import as_text_list
from ckanext.smartcityms.reference import geocoding, vocabularies
from ckanext.smartcityms.strategy.themes import handlungsfelder_of_eu_themes

DCATDE = "http://dcat-ap.de/def/dcatde/"
DCATDE_NAMESPACES = (DCATDE, "http://dcat-ap.de/def/dcatde/1_0/", "http://dcat-ap.de/def/dcatde/1.0.1/")
GEODCATAP = "http://data.europa.eu/930/"
DCAT_KEYWORD = URIRef("http://www.w3.org/ns/dcat#keyword")
PROV_GENERATED_BY = URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")
ADMS_IDENTIFIER = URIRef("http://www.w3.org/ns/adms#identifier")
SKOS_NOTATION = URIRef("http://www.w3.org/2004/02/skos/core#notation")
IANA_PREFIXES = ("https://www.iana.org/assignments/media-types/", "http://www.iana.org/assignments/media-types/")
EU_THEME_PREFIX = "http://publications.europa.eu/resource/authority/data-theme/"

# Licence URIs other catalogues use for the licences of our list.
LICENSE_ALIASES = {
    "https://creativecommons.org/licenses/by/4.0/": "cc-by/4.0",
    "http://creativecommons.org/licenses/by/4.0/": "cc-by/4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "cc-zero",
    "http://creativecommons.org/publicdomain/zero/1.0/": "cc-zero",
    "https://creativecommons.org/licenses/by-sa/4.0/": "cc-by-sa/4.0",
    "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0": "cc-by/4.0",
    "http://publications.europa.eu/resource/authority/licence/CC0": "cc-zero",
    "http://publications.europa.eu/resource/authority/licence/DL_BY_DE_2_0": "dl-by-de/2.0",
    "http://publications.europa.eu/resource/authority/licence/DL_ZERO_DE_2_0": "dl-zero-de/2.0",
    "https://www.govdata.de/dl-de/by-2-0": "dl-by-de/2.0",
    "https://www.govdata.de/dl-de/zero-2-0": "dl-zero-de/2.0",
    "http://opendatacommons.org/licenses/pddl/1.0/": "odcpddl",
    "https://opendatacommons.org/licenses/pddl/1-0/": "odcpddl",
    "http://opendatacommons.org/licenses/odbl/1.0/": "odbl",
}


# Older DCAT-AP.de and ADMS lists, replaced by SPDX and the EU distribution-status table.
OLD_VALUE_MAP = {
    "http://dcat-ap.de/def/hashAlgorithms/md/5": "md5",
    "http://dcat-ap.de/def/hashAlgorithms/sha/1": "sha1",
    "http://dcat-ap.de/def/hashAlgorithms/sha/256": "sha256",
    "http://dcat-ap.de/def/hashAlgorithms/sha/512": "sha512",
    "http://purl.org/adms/status/Completed": "COMPLETED",
    "http://purl.org/adms/status/Deprecated": "DEPRECATED",
    "http://purl.org/adms/status/UnderDevelopment": "DEVELOP",
    "http://purl.org/adms/status/Withdrawn": "WITHDRAWN",
}


def _objects(profile, subject, *predicates):
    for predicate in predicates:
        yield from profile.g.objects(subject, URIRef(predicate) if isinstance(predicate, str) else predicate)


def _dcatde(name):
    return [namespace + name for namespace in DCATDE_NAMESPACES]


def _license_uri(value):
    vocabulary = vocabularies.vocabulary("license")
    if not value:
        return None
    text = str(value).strip()
    return (vocabulary.resolve(text)
            or vocabulary.resolve(text.replace("https://www.dcat-ap.de/", "http://dcat-ap.de/"))
            or vocabulary.resolve(text.replace("https://", "http://").replace("www.dcat-ap.de", "dcat-ap.de"))
            or vocabulary.resolve(LICENSE_ALIASES.get(text, "")))


def _compact_geojson(geometry):
    """As our validator stores it (ckanext-dcat turns a WKT literal into spaced-out GeoJSON)."""
    try:
        return json.dumps(json.loads(geometry) if isinstance(geometry, str) else geometry,
                          separators=(",", ":"))
    except (TypeError, ValueError):
        return geometry


def complete_parsed_dataset(profile, dataset_dict, dataset_ref):
    warnings = []
    d = dataset_dict

    # Contact point: the first one (our schema has one).
    contacts = d.pop("contact", None) or []
    if contacts:
        contact = contacts[0]
        d["contact_name"] = contact.get("name") or None
        d["contact_email"] = (contact.get("email") or "").replace("mailto:", "") or None
        d["contact_url"] = contact.get("url") or None
    # The publisher is the owning organization; its name is kept for
    # attribution texts the source left out.
    publishers = d.pop("publisher", None) or []
    extras_by_key = {e["key"]: e["value"] for e in d.get("extras", [])}
    d["__publisher_name"] = (publishers[0].get("name") if publishers else None) \
        or extras_by_key.get("publisher_name")
    d.pop("creator", None)

    temporal = d.pop("temporal_coverage", None) or []
    if temporal:
        d["temporal_start"] = temporal[0].get("start") or None
        d["temporal_end"] = temporal[0].get("end") or None

    for location in d.pop("spatial_coverage", None) or []:
        uri = location.get("uri") or ""
        if uri.startswith(geocoding.POLITICAL_GEOCODING) and not d.get("political_geocoding_uri"):
            d["political_geocoding_uri"] = uri
        if location.get("geom") and not d.get("spatial"):
            d["spatial"] = location["geom"]
    if d.get("spatial"):
        d["spatial"] = _compact_geojson(d["spatial"])
    for value in _objects(profile, dataset_ref, *_dcatde("politicalGeocodingURI")):
        d.setdefault("political_geocoding_uri", str(value))
    extras = {e["key"]: e["value"] for e in d.get("extras", [])}
    spatial_uri = extras.get("spatial_uri") or ""
    if spatial_uri.startswith(geocoding.POLITICAL_GEOCODING):
        d.setdefault("political_geocoding_uri", spatial_uri)
    # Stock extras our schema expresses otherwise (publisher = organization,
    # spatial = political geocoding + geometry, projects = projekt).
    d["extras"] = [e for e in d.get("extras", []) if e["key"] not in STOCK_EXTRAS_REPLACED]
    # adms:identifier nodes: keep their notations (ckanext-dcat keeps blank node IDs).
    notations = sorted(str(n) for node in _objects(profile, dataset_ref, ADMS_IDENTIFIER)
                       for n in profile.g.objects(node, SKOS_NOTATION))
    d["extras"] = [e for e in d["extras"] if e["key"] != "alternate_identifier"]
    if notations:
        d["extras"].append({"key": "alternate_identifier", "value": json.dumps(notations)})
    d.pop("provenance_activity", None)
    if not d.get("license_id"):
        d.pop("license_id", None)
    for field in ("conforms_to", "documentation", "applicable_legislation"):
        if field in d:
            d[field] = as_text_list(d[field])
    for value in _objects(profile, dataset_ref, *_dcatde("politicalGeocodingLevelURI")):
        d["political_geocoding_level_uri"] = str(value)

    availability = profile.g.value(dataset_ref, URIRef("http://data.europa.eu/r5r/availability"))
    if availability is not None:
        d["availability"] = str(availability)

    contributors = [str(v) for v in _objects(profile, dataset_ref, *_dcatde("contributorID"))]
    if contributors:
        d["contributor_id"] = contributors

    for role, predicates in (("custodian", [GEODCATAP + "custodian", *_dcatde("maintainer")]),
                             ("originator", [GEODCATAP + "originator", *_dcatde("originator")])):
        for agent in _objects(profile, dataset_ref, *predicates):
            name = profile._object_value(agent, FOAF.name)
            if name:
                d[f"{role}_name"] = name
                email = profile._object_value(agent, FOAF.mbox)
                if email:
                    d[f"{role}_email"] = email.replace("mailto:", "")
                break

    # Themes: EU data themes stay, our Handlungsfelder (theme or subject) become
    # `handlungsfeld`, anything else is reported.
    themes, slugs = [], []
    subjects = [str(v) for v in _objects(profile, dataset_ref, DCTERMS.subject)]
    for value in as_text_list(d.pop("theme", None)) + subjects:
        if value.startswith(EU_THEME_PREFIX):
            if vocabularies.vocabulary("data-theme").get(value):
                themes.append(value)
            else:
                warnings.append(f"unknown EU data theme {value}")
        elif "/vocab/handlungsfelder/" in value and strategy.handlungsfeld(value):
            slugs.append(strategy.handlungsfeld(value)["slug"])
        elif value not in subjects:
            warnings.append(f"theme {value} is not an EU data theme; left out")
    d["theme"] = sorted(set(themes))
    d["handlungsfeld"] = list(dict.fromkeys(slugs)) or handlungsfelder_of_eu_themes(themes)

    projects = []
    for activity in _objects(profile, dataset_ref, PROV_GENERATED_BY):
        project = strategy.projekt(str(activity))
        if project:
            projects.append(project["slug"])
    if projects:
        d["projekt"] = projects

    for field in ("language", "frequency", "access_rights", "availability"):
        _keep_known(d, field, warnings)

    for resource in d.get("resources", []):
        _complete_resource(profile, resource, warnings)
    # Graph order is arbitrary; a stable order lets re-harvests see "unchanged".
    d["resources"] = sorted(d.get("resources", []), key=lambda r: (r.get("uri") or "", r.get("url") or ""))
    _split_keywords_by_language(profile, d, dataset_ref)
    d["tags"] = sorted(d.get("tags", []), key=lambda t: t.get("name", ""))
    warnings.sort()

    d["__warnings"] = warnings
    return d


def _split_keywords_by_language(profile, d, dataset_ref):
    """English keywords (@en) into keywords_en, the others stay tags; a
    catalogue with English keywords only keeps them as tags too."""
    english, others = [], []
    for value in profile.g.objects(dataset_ref, DCAT_KEYWORD):
        language = (getattr(value, "language", None) or "").lower()
        (english if language == "en" or language.startswith("en-") else others).append(str(value))
    english_only = set(english) - set(others) if others else set()
    if english:
        d["keywords_en"] = sorted(keywords.keywords(english))  # graph order is arbitrary
    # A keyword in both languages ("senseBox") is one tag.
    d["tags"] = list({t.get("name"): t for t in d.get("tags", []) if t.get("name") not in english_only}.values())


STOCK_EXTRAS_REPLACED = {
    "publisher_uri", "publisher_name", "publisher_type", "publisher_email", "publisher_url",
    "publisher_identifier", "homepage", "spatial_uri", "spatial_text", "spatial_bbox",
    "spatial_centroid", "spatial",
}

VOCABULARY_OF = {"language": "language", "frequency": "frequency", "access_rights": "access-right",
                 "availability": "planned-availability", "status": "distribution-status",
                 "hash_algorithm": "checksum-algorithm"}


def _keep_known(container, field, warnings, where="dataset"):
    if not container.get(field):
        return
    vocabulary = vocabularies.vocabulary(VOCABULARY_OF[field])
    values = [OLD_VALUE_MAP.get(v, v) for v in as_text_list(container[field])]
    known = [vocabulary.resolve(v) for v in values if vocabulary.resolve(v)]
    for value in values:
        if not vocabulary.resolve(value):
            warnings.append(f"{where} {field}: {value} is not in our vocabulary; left out")
    if field in ("language",):
        container[field] = known
    else:
        container[field] = known[0] if known else None


def _complete_resource(profile, resource, warnings):
    where = f"distribution {resource.get('uri') or resource.get('name') or ''}".strip()
    resource["url"] = resource.get("access_url") or resource.get("download_url") or resource.get("url")
    resource.pop("access_url", None)

    fmt = resource.get("format")
    if fmt:
        concept = vocabularies.vocabulary("file-type").get(str(fmt).rsplit("/", 1)[-1]) \
            or vocabularies.vocabulary("file-type").get(str(fmt))
        if concept:
            resource["format"] = concept["label"]["en"]
        else:
            warnings.append(f"{where} format: {fmt} is not in our list of file formats; left out")
            resource.pop("format")
    mimetype = resource.get("mimetype")
    if mimetype:
        for prefix in IANA_PREFIXES:
            if mimetype.startswith(prefix):
                resource["mimetype"] = mimetype[len(prefix):]

    license_value = resource.get("license")
    license_uri = _license_uri(license_value)
    if license_uri:
        resource["license"] = license_uri
    else:
        resource["license"] = None
        warnings.append(f"{where} licence: {license_value or 'none given'} is not a DCAT-AP.de licence")
    distribution = URIRef(resource["uri"]) if resource.get("uri") else None
    if distribution is not None:
        for text in _objects(profile, distribution, *_dcatde("licenseAttributionByText")):
            resource["license_attribution_by_text"] = str(text)
            break
    for field in ("status", "availability", "hash_algorithm"):
        _keep_known(resource, field, warnings, where)
    if resource.get("hash"):
        algorithm = vocabularies.vocabulary("checksum-algorithm").get(resource.get("hash_algorithm") or "")
        if algorithm is None or not vocabularies.checksum_fits(algorithm, resource["hash"]):
            warnings.append(f"{where}: checksum {resource['hash']} left out, it does not fit its algorithm "
                            f"{resource.get('hash_algorithm') or '(none)'}")
            resource.pop("hash")
            resource.pop("hash_algorithm", None)
    if resource.get("language"):
        _keep_known(resource, "language", warnings, where)
    if "conforms_to" in resource:
        resource["conforms_to"] = as_text_list(resource["conforms_to"])
