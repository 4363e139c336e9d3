"""The page's language, and a {de: …, en: …} text in it (helpers, labels and pages use both)."""
import ckan.plugins.toolkit as tk


def page_language():
    return tk.h.lang() or tk.config.get("ckan.locale_default", "de")


def smartcityms_localized(texts):
    """The text of a {de: …, en: …} dict in the page's language (German if missing)."""
    if not isinstance(texts, dict):
        return texts
    return texts.get(page_language()) or texts.get("de") or next(iter(texts.values()), "")
