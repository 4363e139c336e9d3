"""Handlungsfelder and EU data themes, both ways.

Each Handlungsfeld names the EU data themes it corresponds to. A dataset
without EU themes of its own gets those of its Handlungsfelder (DCAT output,
search facet); a harvested dataset with EU themes but no Handlungsfeld gets
the first Handlungsfeld of each theme.
"""
from ckanext.smartcityms.strategy import entries

EU_DATA_THEMES = "http://publications.europa.eu/resource/authority/data-theme"


def eu_theme_codes(slugs):
    """EU data theme codes (TRAN, ENVI) of the Handlungsfelder `slugs`, in order, once each."""
    codes = []
    for slug in slugs or []:
        for code in (entries.handlungsfeld(slug) or {}).get("eu_themes", []):
            if code not in codes:
                codes.append(code)
    return codes


def eu_theme_uris(slugs):
    return [f"{EU_DATA_THEMES}/{code}" for code in eu_theme_codes(slugs)]


def handlungsfelder_of_eu_themes(themes):
    """Slugs of the Handlungsfelder for EU data themes (codes or URIs)."""
    slugs = []
    for theme in themes:
        code = str(theme).rstrip("/").rsplit("/", 1)[-1]
        for field in entries.handlungsfelder(include_retired=True):
            if code in field["eu_themes"]:
                if field["slug"] not in slugs:
                    slugs.append(field["slug"])
                break
    return slugs
