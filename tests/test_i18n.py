"""Every string of the extension is translated (de) and present for en."""
import pathlib
import subprocess
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def extracted_msgids(tmp_path):
    pot = tmp_path / "current.pot"
    subprocess.run([str(pathlib.Path(sys.executable).with_name("pybabel")), "extract",
                    "-F", str(ROOT / "i18n/babel.cfg"), "-k", "_", "--no-location",
                    "-o", str(pot), "ckanext-smartcityms", "harvesters"],
                   cwd=ROOT, check=True, capture_output=True)
    return {entry.msgid for entry in polib.pofile(str(pot)) if entry.msgid}


def test_every_string_is_translated(tmp_path):
    msgids = extracted_msgids(tmp_path)
    assert msgids, "no strings found: is the extraction set up?"
    for lang in ("de", "en"):
        catalogue = polib.pofile(str(ROOT / f"i18n/{lang}/LC_MESSAGES/ckanext-smartcityms.po"))
        translated = {e.msgid for e in catalogue if (e.msgstr or all(e.msgstr_plural.values()) and e.msgstr_plural)
                      and not e.obsolete and "fuzzy" not in e.flags}
        missing = sorted(msgids - translated)
        assert not missing, f"untranslated in {lang} (run bin/i18n-update, then translate): {missing}"


def test_german_placeholders_match(tmp_path):
    import re
    catalogue = polib.pofile(str(ROOT / "i18n/de/LC_MESSAGES/ckanext-smartcityms.po"))
    for entry in catalogue:
        if entry.msgstr:
            assert set(re.findall(r"{\w+}", entry.msgid)) == set(re.findall(r"{\w+}", entry.msgstr)), entry.msgid
