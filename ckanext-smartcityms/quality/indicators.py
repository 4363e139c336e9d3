"""The data.europa.eu Metadata Quality Assessment (MQA) for one dataset.

The indicators and weights of MQA (405 points in five dimensions) and its
ratings, computed from our dataset dictionary, the link checker's results
(quality.links) and our SHACL check (dcat.validation). Distribution
indicators earn their points in proportion to the distributions that meet
them (all distributions: all points). An indicator that cannot be judged yet
(a link not checked so far) earns nothing and says so.

Pure: no database, no network, no request; the caller brings the facts.
"""
from dataclasses import dataclass, field

from ckanext.smartcityms.fields.lists import as_list
from ckanext.smartcityms.reference import vocabularies

MAXIMUM = 405
RATINGS = [(351, "excellent"), (221, "good"), (121, "sufficient"), (0, "bad")]
RATING_LABELS = {
    "excellent": {"de": "Ausgezeichnet", "en": "Excellent"},
    "good": {"de": "Gut", "en": "Good"},
    "sufficient": {"de": "Ausreichend", "en": "Sufficient"},
    "bad": {"de": "Mangelhaft", "en": "Bad"},
}
DIMENSIONS = {
    "findability": {"de": "Auffindbarkeit", "en": "Findability"},
    "accessibility": {"de": "Zugänglichkeit", "en": "Accessibility"},
    "interoperability": {"de": "Interoperabilität", "en": "Interoperability"},
    "reusability": {"de": "Wiederverwendbarkeit", "en": "Reusability"},
    "contextuality": {"de": "Kontext", "en": "Contextuality"},
}

# data.europa.eu's lists of machine-readable and of non-proprietary formats,
# for the formats of our file-type vocabulary (EU file-type codes).
MACHINE_READABLE = {"CSV", "JSON", "GEOJSON", "XML", "GTFS", "XLSX", "XLS", "ODS", "RDF_TURTLE", "RDF_XML",
                    "JSON_LD", "KML", "SHP", "GML", "GPX", "NETCDF", "PARQUET", "ATOM", "WMS_SRVC", "WFS_SRVC"}
NON_PROPRIETARY = {"CSV", "JSON", "GEOJSON", "XML", "GTFS", "ODS", "RDF_TURTLE", "RDF_XML", "JSON_LD", "KML",
                   "GML", "GPX", "NETCDF", "PARQUET", "ATOM", "WMS_SRVC", "WFS_SRVC", "TXT", "HTML", "PNG",
                   "TIFF", "ZIP", "PDF"}


@dataclass
class Indicator:
    key: str
    dimension: str
    points: int
    label: dict
    hint: dict
    share: float = 0.0          # 0 … 1 of the points earned
    unknown: bool = False       # could not be judged yet (links not checked)
    note: dict = field(default_factory=dict)

    @property
    def earned(self):
        return round(self.points * self.share)

    @property
    def met(self):
        return self.share >= 1


def _share(resources, test):
    return sum(1 for r in resources if test(r)) / len(resources) if resources else 0.0


def _file_type(resource):
    return vocabularies.vocabulary("file-type").get(resource.get("format") or "") or {}


def _code(resource):
    uri = _file_type(resource).get("uri", "")
    return uri.rsplit("/", 1)[-1]


def _answers(results, url):
    """True, False or None (not checked yet) for one URL."""
    found = results.get(url)
    return None if found is None else bool(found.get("ok"))


def _link_indicator(indicator, resources, urls_of, results):
    """Share of distributions whose URL(s) answer; unknown while any is unchecked."""
    judged = []
    for resource in resources:
        urls = [u for u in urls_of(resource) if u]
        if not urls:
            judged.append(False)
            continue
        answers = [_answers(results, u) for u in urls]
        judged.append(None if None in answers else all(answers))
    if None in judged:
        indicator.unknown = True
        indicator.share = 0.0
    else:
        indicator.share = sum(judged) / len(judged) if judged else 0.0
    return indicator


def _i(key, dimension, points, label_de, label_en, hint_de, hint_en):
    return Indicator(key, dimension, points, {"de": label_de, "en": label_en}, {"de": hint_de, "en": hint_en})


def assess(dataset, link_results, conformant):
    """The MQA of `dataset` (package_show dict).

    link_results: {url: {"ok": bool, "status": int|None, "checked": iso}} from the link checker;
    conformant: True/False from our SHACL check (None: validation unavailable).
    """
    resources = dataset.get("resources") or []
    found = []

    def add(indicator, share):
        indicator.share = float(share)
        found.append(indicator)

    add(_i("keywords", "findability", 30, "Schlagwörter", "Keywords",
           "Schlagwörter vergeben.", "Add keywords (tags)."), bool(dataset.get("tags")))
    add(_i("themes", "findability", 30, "Kategorien", "Themes",
           "Ein Handlungsfeld oder eine EU-Kategorie wählen.", "Choose a Handlungsfeld or EU data theme."),
        bool(as_list(dataset.get("theme")) or as_list(dataset.get("handlungsfeld"))))
    add(_i("spatial", "findability", 20, "Raumbezug", "Spatial coverage",
           "Raumbezug angeben (Gemeinde oder Geometrie).", "Give the spatial coverage (municipality or geometry)."),
        bool(dataset.get("spatial") or dataset.get("political_geocoding_uri")))
    add(_i("temporal", "findability", 20, "Zeitraum", "Temporal coverage",
           "Zeitraum der Daten angeben (Beginn, Ende).", "Give the time span the data cover (start, end)."),
        bool(dataset.get("temporal_start") or dataset.get("temporal_end")))

    found.append(_link_indicator(
        _i("access_url_answers", "accessibility", 50, "Zugangs-URL erreichbar", "Access URL accessible",
           "Zugangs-URLs prüfen: mindestens eine antwortet nicht (HTTP-Fehler oder nicht erreichbar).",
           "Check the access URLs: at least one does not answer (HTTP error or unreachable)."),
        resources, lambda r: [r.get("url")], link_results))
    add(_i("download_url", "accessibility", 20, "Download-URL angegeben", "Download URL given",
           "Für jede Distribution eine Download-URL angeben.", "Give a download URL for every distribution."),
        _share(resources, lambda r: bool(r.get("download_url"))))
    found.append(_link_indicator(
        _i("download_url_answers", "accessibility", 30, "Download-URL erreichbar", "Download URL accessible",
           "Download-URLs prüfen: mindestens eine antwortet nicht.",
           "Check the download URLs: at least one does not answer."),
        resources, lambda r: [r.get("download_url")], link_results))

    add(_i("format", "interoperability", 20, "Format", "Format",
           "Für jede Distribution das Format angeben.", "Give the format of every distribution."),
        _share(resources, lambda r: bool(r.get("format"))))
    add(_i("media_type", "interoperability", 10, "Medientyp", "Media type",
           "Für jede Distribution den Medientyp (IANA) angeben.", "Give the (IANA) media type of every distribution."),
        _share(resources, lambda r: bool(r.get("mimetype") or _file_type(r).get("media_type"))))
    add(_i("format_vocabulary", "interoperability", 10, "Format und Medientyp aus Vokabular",
           "Format and media type from vocabularies",
           "Format aus der EU-Liste der Dateitypen wählen.", "Choose the format from the EU file-type list."),
        _share(resources, lambda r: bool(_file_type(r))))
    add(_i("non_proprietary", "interoperability", 20, "Offenes Format", "Non-proprietary format",
           "Daten (auch) in einem offenen Format anbieten, z. B. CSV statt XLSX.",
           "Offer the data (also) in a non-proprietary format, e.g. CSV instead of XLSX."),
        _share(resources, lambda r: _code(r) in NON_PROPRIETARY))
    add(_i("machine_readable", "interoperability", 20, "Maschinenlesbares Format", "Machine-readable format",
           "Daten (auch) maschinenlesbar anbieten, z. B. CSV oder JSON statt PDF.",
           "Offer the data (also) machine-readable, e.g. CSV or JSON instead of PDF."),
        _share(resources, lambda r: _code(r) in MACHINE_READABLE))
    conformity = _i("dcat_ap_conformant", "interoperability", 30, "DCAT-AP-konform", "DCAT-AP compliance",
                    "Die Verstöße im Kasten „DCAT-AP.de-Validierung“ beheben.",
                    "Fix the violations listed under “DCAT-AP.de validation”.")
    conformity.unknown = conformant is None
    add(conformity, bool(conformant))

    add(_i("licence", "reusability", 20, "Lizenz", "Licence",
           "Für jede Distribution eine Lizenz angeben.", "Give a licence for every distribution."),
        _share(resources, lambda r: bool(r.get("license"))))
    licence_list = vocabularies.vocabulary("license")
    add(_i("licence_vocabulary", "reusability", 10, "Lizenz aus Vokabular", "Licence from vocabulary",
           "Eine Lizenz aus der DCAT-AP.de-Lizenzliste wählen.", "Choose a licence from the DCAT-AP.de list."),
        _share(resources, lambda r: licence_list.get(r.get("license") or "") is not None))
    add(_i("access_rights", "reusability", 10, "Zugriffsrechte", "Access rights",
           "Zugriffsrechte angeben.", "Give the access rights."), bool(dataset.get("access_rights")))
    add(_i("access_rights_vocabulary", "reusability", 5, "Zugriffsrechte aus Vokabular",
           "Access rights from vocabulary", "Zugriffsrechte aus der EU-Liste wählen.",
           "Choose the access rights from the EU list."),
        vocabularies.vocabulary("access-right").get(dataset.get("access_rights") or "") is not None)
    add(_i("contact_point", "reusability", 20, "Kontakt", "Contact point",
           "Kontakt (Name und E-Mail) angeben.", "Give a contact point (name and email)."),
        bool(dataset.get("contact_name") or dataset.get("contact_email")))
    add(_i("publisher", "reusability", 10, "Veröffentlichende Stelle", "Publisher",
           "Den Datensatz einer Organisation zuordnen.", "Assign the dataset to an organization."),
        bool(dataset.get("owner_org")))

    add(_i("rights", "contextuality", 5, "Nutzungsbedingungen", "Rights",
           "Nutzungsbedingungen (Rechte) je Distribution angeben, wo die Lizenz sie nicht nennt.",
           "Give the rights statement of each distribution."),
        _share(resources, lambda r: bool(r.get("rights") or r.get("license_attribution_by_text"))))
    add(_i("byte_size", "contextuality", 5, "Dateigröße", "File size",
           "Die Dateigröße je Distribution angeben.", "Give the byte size of each distribution."),
        _share(resources, lambda r: bool(r.get("size"))))
    add(_i("issued", "contextuality", 5, "Veröffentlichungsdatum", "Date of issue",
           "Das Veröffentlichungsdatum angeben.", "Give the date of issue."), bool(dataset.get("issued")))
    add(_i("modified", "contextuality", 5, "Änderungsdatum", "Modification date",
           "Das Datum der letzten Änderung angeben.", "Give the modification date."),
        bool(dataset.get("modified")))
    return Assessment(found)


def rating_of(points):
    return next(name for floor, name in RATINGS if points >= floor)


class Assessment:
    def __init__(self, indicators):
        self.indicators = indicators

    @property
    def score(self):
        return sum(i.earned for i in self.indicators)

    @property
    def rating(self):
        return rating_of(self.score)

    def missing(self):
        """Indicators not fully met, the most points to gain first."""
        return sorted((i for i in self.indicators if not i.met), key=lambda i: i.earned - i.points)

    def as_dict(self):
        return {
            "score": self.score, "maximum": MAXIMUM, "rating": self.rating,
            "rating_label": RATING_LABELS[self.rating],
            "dimensions": {name: {"label": label,
                                  "score": sum(i.earned for i in self.indicators if i.dimension == name),
                                  "maximum": sum(i.points for i in self.indicators if i.dimension == name)}
                           for name, label in DIMENSIONS.items()},
            "indicators": [{"key": i.key, "dimension": i.dimension, "points": i.points, "earned": i.earned,
                            "met": i.met, "unknown": i.unknown, "label": i.label,
                            "hint": None if i.met else i.hint} for i in self.indicators],
        }
