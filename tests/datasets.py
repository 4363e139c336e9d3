"""Dataset dictionaries for tests: a minimal valid one and one with every field set."""
EU = "http://publications.europa.eu/resource/authority/"
LICENSES = "http://dcat-ap.de/def/licenses/"


def minimal_dataset(owner_org, **overrides):
    dataset = {
        "name": "radverkehr-zaehlstellen",
        "title": "Radverkehr: Zählstellen",
        "notes": "Fahrradzählungen an 23 Zählstellen in Münster, alle 15 Minuten.",
        "owner_org": owner_org,
        "handlungsfeld": ["mobilitaet-verkehr"],
        "resources": [{
            "url": "https://example.org/radverkehr/2026-08.csv",
            "license": LICENSES + "dl-zero-de/2.0",
        }],
    }
    dataset.update(overrides)
    return dataset


def full_dataset(owner_org, **overrides):
    dataset = {
        "name": "aasee-monitoring",
        "title": "Aasee-Monitoring: Wassertemperatur, pH-Wert und Sauerstoff",
        "notes": "Messbojen im Aasee senden alle 15 Minuten Messwerte über LoRaWAN.",
        "owner_org": owner_org,
        "tags": [{"name": "Wasser"}, {"name": "LoRaWAN"}],
        "keywords_en": ["LoRaWAN", "water"],
        "handlungsfeld": ["umwelt-energie-klima"],
        "projekt": ["aaseemonitoring"],
        "theme": [EU + "data-theme/ENVI"],
        "political_geocoding_level_uri": "http://dcat-ap.de/def/politicalGeocoding/Level/municipality",
        "political_geocoding_uri": "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05515000",
        "spatial": '{"type":"Point","coordinates":[7.614297,51.957148]}',
        "temporal_start": "2021-05-01",
        "temporal_end": "2026-08-31",
        "frequency": EU + "frequency/DAILY",
        "language": [EU + "language/DEU"],
        "issued": "2021-05-20",
        "modified": "2026-09-01",
        "identifier": "https://opendata.stadt-muenster.de/id/aasee-monitoring",
        "url": "https://smartcity.ms/aaseemonitoring/",
        "contact_name": "Stabsstelle Smart City",
        "contact_email": "smartcity@stadt-muenster.de",
        "contact_url": "https://smartcity.ms/kontakt/",
        "access_rights": EU + "access-right/PUBLIC",
        "availability": EU + "planned-availability/STABLE",
        "conforms_to": ["https://github.com/od-ms/aasee-monitoring#format"],
        "version": "2.1",
        "documentation": ["https://github.com/od-ms/aasee-monitoring"],
        "applicable_legislation": ["http://data.europa.eu/eli/reg_impl/2023/138/oj"],
        "contributor_id": ["http://dcat-ap.de/def/contributors/openNRW"],
        "custodian_name": "Amt für Grünflächen, Umwelt und Nachhaltigkeit",
        "custodian_email": "umwelt@stadt-muenster.de",
        "originator_name": "Stadtwerke Münster",
        "resources": [{
            "url": "https://raw.githubusercontent.com/od-ms/aasee-monitoring/main/data/2026-08.csv",
            "name": "Messwerte August 2026",
            "description": "Alle Messwerte des Monats im 15-Minuten-Takt.",
            "download_url": "https://raw.githubusercontent.com/od-ms/aasee-monitoring/main/data/2026-08.csv",
            "format": "CSV",
            "mimetype": "text/csv",
            "license": LICENSES + "dl-by-de/2.0",
            "license_attribution_by_text": "Stadt Münster",
            "availability": EU + "planned-availability/STABLE",
            "size": 184320,
            "hash": "9e107d9d372bb6826bd81d3542a419d6",
            "hash_algorithm": "http://spdx.org/rdf/terms#checksumAlgorithm_md5",
            "modified": "2026-09-01",
            "language": [EU + "language/DEU"],
            "conforms_to": ["https://github.com/od-ms/aasee-monitoring#format"],
            "status": EU + "distribution-status/COMPLETED",
        }],
    }
    dataset.update(overrides)
    return dataset
