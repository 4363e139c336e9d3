"""Where Münster is, in the terms DCAT-AP.de and our harvesters use.

Political geocoding URIs of DCAT-AP.de (Konvention 11) for the city and its
state, and the city's bounding box in WGS 84 (the default area of the
openSenseMap harvester and the test for "inside the city").
"""
POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
MUNICIPALITY_KEY = POLITICAL_GEOCODING + "municipalityKey/05515000"
REGIONAL_KEY = POLITICAL_GEOCODING + "regionalKey/055150000000"
DISTRICT_KEY = POLITICAL_GEOCODING + "districtKey/05515"
NRW_STATE_KEY = POLITICAL_GEOCODING + "stateKey/05"
MUNICIPALITY_LEVEL = POLITICAL_GEOCODING + "Level/municipality"
STATE_LEVEL = POLITICAL_GEOCODING + "Level/state"
CITY_LABEL = "Münster, Stadt"
# Every key that names the city itself (validation adds them to the vocabulary graph).
CITY_KEYS = (MUNICIPALITY_KEY, REGIONAL_KEY, DISTRICT_KEY)

BBOX = (7.4736, 51.8400, 7.7743, 52.0600)  # west, south, east, north
