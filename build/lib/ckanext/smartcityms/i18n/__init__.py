"""Translations of the extension (gettext catalogues, de and en)."""
