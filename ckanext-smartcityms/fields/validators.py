"""Validators of the DCAT-AP.de schema (registered through IValidators).

Messages are English msgids translated by our i18n catalogues, so API and
form users read them in their language. Scheming validators (decorated with
`scheming_validator`) receive the field definition, which names the
vocabulary a field draws from.
"""
import datetime
import json
import math
import re
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from ckanext.scheming.validation import scheming_validator

from ckanext.smartcityms import strategy
from ckanext.smartcityms.fields.lists import as_list
from ckanext.smartcityms.fields import iri, keywords
from ckanext.smartcityms.reference import vocabularies

missing = tk.missing
Invalid = tk.Invalid
_ = tk._

MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")
URL_MAX = 4096
EMAIL_FORBIDDEN = re.compile(r"[@\s<>\"'\\]")  # what no part of an address we accept contains
EMAIL_MAX = 254  # RFC 5321
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def _is_empty(value):
    return value is missing or value is None or value == "" or value == []


def _as_list(value):
    """A list from an API list, a JSON list string or a comma-separated form value."""
    if isinstance(value, list):
        return [v for v in value if v not in (None, "")]
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                raise Invalid(_("Not a valid list: {value}").format(value=text[:100]))
            if not isinstance(parsed, list):
                raise Invalid(_("Not a valid list: {value}").format(value=text[:100]))
            return [v for v in parsed if v not in (None, "")]
        return [part.strip() for part in text.split(",") if part.strip()]
    raise Invalid(_("Expected a list of values"))


def _resolved(value, resolve, unknown):
    """Each item of a list field resolved (URI or slug), without repeats; the
    first item `resolve` cannot place raises the Invalid that `unknown` makes."""
    resolved = []
    for item in _as_list(value):
        found = resolve(item)
        if found is None:
            raise unknown(item)
        if found not in resolved:
            resolved.append(found)
    return resolved


def _unknown(value, vocabulary_label):
    return Invalid(_('"{value}" is not in the list of {vocabulary}').format(
        value=str(value)[:200], vocabulary=vocabulary_label))


def _vocabulary_label(vocabulary):
    return vocabulary.label.get(tk.h.lang() if _has_request() else "en") or vocabulary.label["en"]


def _has_request():
    try:
        return bool(tk.request)
    except RuntimeError:
        return False


def _single_concept(field, store):
    """Validator for one value of the field's `vocabulary`; `store` picks what is kept."""
    vocabulary = vocabularies.vocabulary(field["vocabulary"])

    def validator(value):
        if _is_empty(value):
            return value
        concept = vocabulary.get(value)
        if concept is None:
            raise _unknown(value, _vocabulary_label(vocabulary))
        return store(concept)
    return validator


@scheming_validator
def smartcityms_vocabulary_value(field, schema):
    """One value of the field's `vocabulary`, stored as its URI."""
    return _single_concept(field, lambda concept: concept["uri"])


@scheming_validator
def smartcityms_vocabulary_label(field, schema):
    """One value of the field's `vocabulary`, stored as its short English label.

    For resource formats: CKAN, its views and the DataStore tools expect
    "CSV", not a URI; the DCAT-AP.de profile writes the EU file-type URI.
    """
    return _single_concept(field, lambda concept: concept["label"]["en"])


@scheming_validator
def smartcityms_vocabulary_list(field, schema):
    """Zero or more values of the field's `vocabulary`, stored as a JSON list of URIs."""
    vocabulary = vocabularies.vocabulary(field["vocabulary"])

    def validator(value):
        if _is_empty(value):
            return value
        return json.dumps(_resolved(value, vocabulary.resolve,
                                    lambda item: _unknown(item, _vocabulary_label(vocabulary))))
    return validator


def smartcityms_handlungsfeld(value):
    """One or more Handlungsfelder (slug, beta alias or concept URI), stored as slugs."""
    if _is_empty(value):
        return value

    def unknown(item):
        allowed = ", ".join(f["slug"] for f in strategy.handlungsfelder())
        return Invalid(_('"{value}" is not a Handlungsfeld of the Smart City strategy. '
                         'Allowed: {allowed}').format(value=str(item)[:200], allowed=allowed))
    return json.dumps(_resolved(value, lambda item: (strategy.handlungsfeld(item) or {}).get("slug"), unknown))


def smartcityms_projekt(value):
    """Zero or more Smart City projects, stored as slugs (an empty list when none)."""
    if _is_empty(value):
        return "[]"
    return json.dumps(_resolved(
        value, lambda item: (strategy.projekt(item) or {}).get("slug"),
        lambda item: Invalid(_('"{value}" is not a Smart City project').format(value=str(item)[:200]))))


def smartcityms_json_list_output(value):
    """Stored JSON list -> list (for API output and templates)."""
    return as_list(value)


def smartcityms_not_empty_list(key, data, errors, context):
    value = data.get(key)
    if _is_empty(value) or value == "[]":
        errors[key].append(_("Missing value"))
        raise tk.StopOnError


def smartcityms_http_url(value):
    """An http(s) URL that can become an IRI in our DCAT output.

    Characters an IRI cannot hold in a path or query ({ } | ^ …) are
    percent-encoded on output; what cannot become an IRI at all is refused:
    whitespace, control characters, no or an impossible host or port.
    """
    if _is_empty(value):
        return value
    if not isinstance(value, str):
        raise Invalid(_("Please provide a valid URL (http:// or https://)"))
    text = value.strip()
    if len(text) > URL_MAX:
        raise Invalid(_("The URL is longer than {limit} characters").format(limit=URL_MAX))
    if any(c.isspace() for c in text) or iri.has_control_characters(text):
        raise Invalid(_("The URL contains spaces or control characters; please percent-encode them (a space is %20)"))
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or not _possible_host(parsed):
        raise Invalid(_("Please provide a valid URL (http:// or https://)"))
    return text


def _possible_host(parsed):
    try:
        parsed.port  # a port that is not a number raises
    except ValueError:
        return False
    host = parsed.hostname or ""
    if not host or iri.needs_encoding(host) or "%" in host:
        return False
    if parsed.netloc.rsplit("@", 1)[-1].startswith("["):
        return True  # an IPv6 literal
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


def smartcityms_text(value):
    """Free text without the control characters that carry nothing readable:
    PostgreSQL cannot store NUL, XML 1.0 (RDF/XML output) forbids the rest.
    Tabs and line breaks stay."""
    if _is_empty(value) or not isinstance(value, str):
        return value
    return iri.xml_text(value)


TITLE_MAX = 500
# Schemes a resource may link to; anything else (javascript:, data:, vbscript:, file:) would run
# script in a visitor's browser or point into someone's own machine, here and in federated portals.
RESOURCE_URL_SCHEMES = {"http", "https", "ftp", "ftps"}
URL_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def smartcityms_title(value):
    """A title of at most TITLE_MAX characters (a 100 KB title broke the search index's sort field)."""
    if isinstance(value, str) and len(value) > TITLE_MAX:
        raise Invalid(_("The title is longer than {limit} characters").format(limit=TITLE_MAX))
    return value


def smartcityms_resource_url(value):
    """A resource's link (http, https or ftp) or an uploaded file's name; no other scheme."""
    if _is_empty(value) or not isinstance(value, str):
        return value
    if len(value) > URL_MAX:
        raise Invalid(_("The URL is longer than {limit} characters").format(limit=URL_MAX))
    if not is_linkable(value):
        raise Invalid(_("Please provide a valid URL (http:// or https://)"))
    return value


def is_linkable(url):
    """Whether a link to `url` is safe to give a visitor: http, https, ftp, or no scheme at all
    (an upload's file name; `C:` of a Windows path some browsers send as one)."""
    # Browsers ignore leading blanks and control characters before a scheme
    scheme = URL_SCHEME.match(url.lstrip("".join(chr(c) for c in range(33))))
    return not scheme or scheme.group(1).lower() in RESOURCE_URL_SCHEMES or len(scheme.group(1)) == 1


def smartcityms_uri_list(value):
    """A list of http(s) URIs, stored as a JSON list."""
    if _is_empty(value):
        return value
    return json.dumps([smartcityms_http_url(item) for item in _as_list(value)])


def smartcityms_text_list(value):
    """A list of short texts, stored as a JSON list."""
    if _is_empty(value):
        return value
    items = [iri.xml_text(str(item)).strip()[:200] for item in _as_list(value)]
    return json.dumps([item for item in dict.fromkeys(items) if item])


def smartcityms_keyword_list(value):
    """Keywords in one language (a list or comma-separated), each a valid CKAN tag, stored as a JSON list."""
    if _is_empty(value):
        return value
    items = list(dict.fromkeys(iri.xml_text(str(item)).strip() for item in _as_list(value)))
    items = [item for item in items if item]
    if len(items) > keywords.KEYWORDS_MAX:
        raise Invalid(_("At most {max} keywords are allowed").format(max=keywords.KEYWORDS_MAX))
    for item in items:
        if not keywords.is_keyword(item):
            raise Invalid(_("Keyword \"{value}\": 2 to 100 characters, only letters, digits, spaces "
                            "and - _ .").format(value=item[:100]))
    return json.dumps(items)


def smartcityms_email(value):
    if _is_empty(value):
        return value
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    # Length first, then one linear look at each part (a single regular expression
    # with two repeated groups backtracks quadratically on long input).
    local, at, domain = text.partition("@")
    if (len(text) > EMAIL_MAX or iri.has_control_characters(text) or not at or not local or EMAIL_FORBIDDEN.search(local)
            or EMAIL_FORBIDDEN.search(domain) or "." not in domain.strip(".")
            or domain.startswith(".") or domain.endswith(".") or ".." in domain):
        raise Invalid(_("Please provide a valid email address"))
    return text


def smartcityms_iso_date(value):
    """A date or date-time in ISO 8601 (as DCAT wants it), stored unchanged."""
    if _is_empty(value):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    text = str(value).strip()
    try:
        if len(text) == 10:
            datetime.date.fromisoformat(text)
        else:
            datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(_("Please give a date as YYYY-MM-DD (or an ISO 8601 date and time)"))
    return text


def smartcityms_not_before(start_field):
    """The field (an end) must not lie before `start_field` (a start)."""
    def validator(key, data, errors, context):
        end = data.get(key)
        start = data.get(key[:-1] + (start_field,))
        if _is_empty(end) or _is_empty(start) or errors.get(key):
            return
        if str(end)[:10] < str(start)[:10]:
            errors[key].append(_("The end date lies before the start date"))
    return validator


def smartcityms_geojson_geometry(value):
    """A GeoJSON geometry in WGS 84 (lon/lat), stored as compact JSON."""
    if _is_empty(value):
        return value
    try:
        geometry = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        raise Invalid(_("The geometry is not valid GeoJSON"))
    problem = _geometry_problem(geometry)
    if problem:
        raise Invalid(_("The geometry is not valid GeoJSON: {problem}").format(problem=problem))
    return json.dumps(geometry, separators=(",", ":"))


def _geometry_problem(geometry):
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        return _("type must be one of {types}").format(types=", ".join(sorted(GEOMETRY_TYPES)))
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
             "Polygon": 2, "MultiPolygon": 3}[geometry["type"]]
    coordinates = geometry.get("coordinates")
    try:
        positions = list(_positions(coordinates, depth))
    except (TypeError, ValueError):
        return _("coordinates do not match the geometry type")
    if not positions:
        return _("no coordinates")
    for lon, lat, *_rest in positions:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return _("coordinates must be longitude/latitude in WGS 84")
    if geometry["type"] in ("Polygon", "MultiPolygon"):
        polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
        for ring in (ring for polygon in polygons for ring in polygon):
            if len(ring) < 4 or ring[0] != ring[-1]:
                return _("every polygon ring needs at least four positions and must be closed")
    return None


def _positions(coordinates, depth):
    if depth == 0:
        if (not isinstance(coordinates, list) or not 2 <= len(coordinates) <= 3
                or not all(isinstance(c, (int, float)) and not isinstance(c, bool)
                           and math.isfinite(c) for c in coordinates)):
            raise ValueError("position")
        yield coordinates
        return
    if not isinstance(coordinates, list) or not coordinates:
        raise ValueError("nesting")
    for part in coordinates:
        yield from _positions(part, depth - 1)


def smartcityms_media_type(value):
    if _is_empty(value):
        return value
    text = str(value).strip().lower()
    if not MEDIA_TYPE.match(text):
        raise Invalid(_('"{value}" is not an IANA media type such as text/csv').format(value=str(value)[:100]))
    return text


def smartcityms_byte_size(value):
    if _is_empty(value):
        return value
    try:
        size = int(str(value).strip())
    except ValueError:
        raise Invalid(_("The size must be a whole number of bytes"))
    if size < 0:
        raise Invalid(_("The size must be a whole number of bytes"))
    return size


def smartcityms_positive_number(value):
    if _is_empty(value):
        return value
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = None
    if number is None or not math.isfinite(number) or number <= 0:
        raise Invalid(_("Please give a positive number"))
    return int(number) if number.is_integer() else number


def smartcityms_checksum(key, data, errors, context):
    """A checksum needs its algorithm, and its length must fit the algorithm.

    Without an algorithm, a hex digest whose length only one algorithm of the
    vocabulary produces names it: tools of the CKAN ecosystem (ckanext-xloader
    writes the MD5 of the file it loaded) set `hash` alone."""
    checksum = data.get(key)
    if _is_empty(checksum):
        return
    algorithm_key = key[:-1] + ("hash_algorithm",)
    algorithms = vocabularies.vocabulary("checksum-algorithm")
    concept = algorithms.get(data.get(algorithm_key) or "")
    if concept is None and _is_empty(data.get(algorithm_key)):
        text = str(checksum).strip().lower()
        fitting = [c for c in algorithms.concepts if vocabularies.checksum_fits(c, text)]
        if len(fitting) == 1:
            concept = fitting[0]
            data[algorithm_key] = concept["uri"]
    if concept is None:
        errors[key].append(_("Please choose the checksum algorithm"))
        return
    text = str(checksum).strip().lower()
    if not vocabularies.checksum_fits(concept, text):
        errors[key].append(_("This is not a {algorithm} checksum").format(algorithm=concept["label"]["en"]))
        return
    data[key] = text


def smartcityms_license_attribution(key, data, errors, context):
    """Konvention 35: a licence that requires attribution needs the attribution text."""
    license_uri = data.get(key[:-1] + ("license",))
    if vocabularies.license_requires_attribution(license_uri or "") and _is_empty(data.get(key)):
        errors[key].append(_("This licence requires an attribution text (e.g. \"Stadt Münster\")"))


def _is_private(data):
    """Whether the dataset being validated is private (API: a bool, forms: "True")."""
    value = data.get(("private",))
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def smartcityms_license_unless_private(key, data, errors, context):
    """Every distribution of a public dataset has a licence; a private one may lack it
    while its editors settle it ("Lizenz ungeklärt", the migration's worklist): it is
    never published, and making it public asks for the licence."""
    if not _is_empty(data.get(key)):
        return
    if _is_private(data):
        data[key] = ""
        raise tk.StopOnError
    errors[key].append(_("Missing value"))
    raise tk.StopOnError


def smartcityms_public_needs_licences(key, data, errors, context):
    """The dataset-level half of smartcityms_license_unless_private: CKAN 2.12 validates only
    the resources an update changes, so making a dataset public is checked here, over the
    resources in the request and the stored ones it left as they were."""
    if _is_private(data):
        return
    licences, given_ids, index = [], set(), 0
    while ("resources", index, "url") in data or ("resources", index, "license") in data:
        licences.append(data.get(("resources", index, "license")))
        given_ids.add(data.get(("resources", index, "id")))
        index += 1
    package = context.get("package")  # the dataset being updated (none when it is created)
    if package is not None:
        licences += [(resource.extras or {}).get("license") for resource in package.resources
                     if resource.state == "active" and resource.id not in given_ids]
    if any(_is_empty(licence) for licence in licences):
        errors[key].append(_("Every distribution of a public dataset needs a licence"))


def smartcityms_license_from_resources(key, data, errors, context):
    """The dataset's licence (CKAN's license_id) is its distributions' licence.

    With distributions under different licences the first one's is shown;
    DCAT keeps the licence of every distribution.
    """
    index = 0
    while ("resources", index, "license") in data or ("resources", index, "url") in data:
        uri = vocabularies.vocabulary("license").resolve(data.get(("resources", index, "license")) or "")
        if uri:
            data[key] = uri
            return
        index += 1
    if _is_empty(data.get(key)):
        data[key] = "notspecified"


def smartcityms_default_contributor_id(key, data, errors, context):
    """Fill dcatde:contributorID from the configuration when the dataset has none."""
    if _is_empty(data.get(key)):
        configured = tk.config.get("ckanext.smartcityms.contributor_id")
        if configured:
            data[key] = configured


def smartcityms_true_false(value):
    """A yes/no flag stored as "true" or "false" (group extras are strings)."""
    if _is_empty(value):
        return "false"
    return "true" if tk.asbool(value) else "false"


# Registered with CKAN (IValidators) under their own names; the schemas use these names.
VALIDATORS = [
    smartcityms_vocabulary_value,
    smartcityms_vocabulary_label,
    smartcityms_vocabulary_list,
    smartcityms_handlungsfeld,
    smartcityms_projekt,
    smartcityms_json_list_output,
    smartcityms_not_empty_list,
    smartcityms_http_url,
    smartcityms_title,
    smartcityms_resource_url,
    smartcityms_uri_list,
    smartcityms_text_list,
    smartcityms_keyword_list,
    smartcityms_email,
    smartcityms_text,
    smartcityms_iso_date,
    smartcityms_not_before,
    smartcityms_geojson_geometry,
    smartcityms_media_type,
    smartcityms_byte_size,
    smartcityms_positive_number,
    smartcityms_checksum,
    smartcityms_license_attribution,
    smartcityms_license_from_resources,
    smartcityms_license_unless_private,
    smartcityms_public_needs_licences,
    smartcityms_default_contributor_id,
    smartcityms_true_false,
]


def get_validators():
    return {validator.__name__: validator for validator in VALIDATORS}
