"""Write the configuration of the `ckan` cores: CKAN's own schema plus our
additions, our solrconfig and word lists.

Run with the virtualenv's Python (it imports the installed ``ckan`` package to
find its schema, so the Solr schema always matches the CKAN version in use).

    python solr/build_schema.py OUTPUT_DIR
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

import ckan

HERE = pathlib.Path(__file__).parent
ADDITIONS = HERE / "schema-additions.xml"
CONF = HERE / "conf"
COMPOUND_PARTS = "lang/compound-parts-de.txt"
NAMED = ("field", "dynamicField")
# solr.xml belongs to the node, not to a core's configuration
NODE_FILES = {"solr.xml"}


def ckan_schema_path() -> pathlib.Path:
    return pathlib.Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"


def extended_schema(ckan_schema: str, additions: str) -> str:
    """Return CKAN's schema text with the additions inserted.

    The text of CKAN's file is kept as it is (comments, order, the
    ``name="ckan-X.Y"`` version CKAN checks at start-up); field types go in
    just before </types>, fields before </fields>, copy rules before
    </schema>.
    """
    schema = ET.fromstring(ckan_schema)
    existing = {el.get("name") for tag in NAMED for el in schema.iter(tag)}
    existing_types = {el.get("name") for el in schema.iter("fieldType")}
    types, fields, copies = [], [], []
    for el in ET.fromstring(additions):
        if el.tag == "fieldType":
            if el.get("name") in existing_types:
                raise ValueError(f"schema-additions.xml redefines CKAN's fieldType {el.get('name')!r}")
            types.append(ET.tostring(el, encoding="unicode").strip())
        elif el.tag in NAMED:
            if el.get("name") in existing:
                raise ValueError(
                    f"schema-additions.xml redefines CKAN's {el.tag} "
                    f"{el.get('name')!r}")
            fields.append(ET.tostring(el, encoding="unicode").strip())
        elif el.tag == "copyField":
            copies.append(ET.tostring(el, encoding="unicode").strip())
        else:
            raise ValueError(f"unexpected element <{el.tag}> in additions")

    marker = "    <!-- smartcityms additions (solr/schema-additions.xml) -->\n"
    text = ckan_schema
    if types:
        text = _insert_before(text, "</types>", marker + "".join(f"    {t}\n" for t in types))
    text = _insert_before(text, "</fields>",
                          marker + "".join(f"    {f}\n" for f in fields))
    return _insert_before(text, "</schema>",
                          marker + "".join(f"{c}\n" for c in copies))


def _insert_before(text: str, closing_tag: str, insertion: str) -> str:
    at = text.rfind(closing_tag)
    if at < 0:
        raise ValueError(f"CKAN's schema.xml has no {closing_tag}")
    return text[:at] + insertion + text[at:]


def german_normalised(word: str) -> str:
    """The form Lucene's GermanNormalizationFilter gives a lower-case word.

    The decompounder sits after that filter and the stemmer, so it compares
    normalised stems with its dictionary; the dictionary has to be made the
    same way. The rules (German2 snowball): ä ö ü -> a o u, ß -> ss, and "ae",
    "oe", "ue" -> a, o, u unless the "u" follows a vowel or "q".
    """
    out = []
    state = "N"  # N: other letter, V: vowel, U: a/o/u that an "e" after it folds into
    for char in word:
        if char in "ao":
            state = "U"
        elif char == "u":
            state = "U" if state == "N" else "V"
        elif char == "e":
            if state == "U":
                state = "V"
                continue
            state = "V"
        elif char in "iqy":
            state = "V"
        elif char in "äöü":
            char = {"ä": "a", "ö": "o", "ü": "u"}[char]
            state = "V"
        elif char == "ß":
            char = "ss"
            state = "N"
        else:
            state = "N"
        out.append(char)
    return "".join(out)


def german_light_stem(word: str) -> str:
    """The stem Lucene's GermanLightStemFilter gives a normalised word (the
    decompounder sits after it, so its dictionary holds stems).

    tests/search/test_german_search.py checks both functions against Solr's
    own analysis of every dictionary entry.
    """
    word = word.translate(str.maketrans("äàáâöòóôïìíîüùúû", "aaaaooooiiiiuuuu"))
    st_ending = set("bdfghklmnt")
    # step 1: plural and case endings
    if len(word) > 5 and word.endswith("ern"):
        word = word[:-3]
    elif len(word) > 4 and word[-2] == "e" and word[-1] in "mnrs":
        word = word[:-2]
    elif len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    elif len(word) > 3 and word.endswith("s") and word[-2] in st_ending:
        word = word[:-1]
    # step 2: comparative and superlative endings
    if len(word) > 5 and word.endswith("est"):
        word = word[:-3]
    elif len(word) > 4 and word[-2] == "e" and word[-1] in "rn":
        word = word[:-2]
    elif len(word) > 4 and word.endswith("st") and word[-3] in st_ending:
        word = word[:-2]
    return word


def word_list(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def dictionary_stems(text: str) -> str:
    words = dict.fromkeys(german_light_stem(german_normalised(w.lower())) for w in word_list(text))
    return "# generated by solr/build_schema.py from compound-parts-de.txt: normalised stems\n" + "".join(f"{w}\n" for w in words)


def core_configuration(ckan_schema: str) -> dict[str, str]:
    """Every file of the core's conf/ directory, by relative path."""
    files = {
        str(path.relative_to(CONF)): path.read_text("utf-8")
        for path in sorted(CONF.rglob("*")) if path.is_file() and path.name not in NODE_FILES
    }
    files["schema.xml"] = extended_schema(ckan_schema, ADDITIONS.read_text("utf-8"))
    stems = COMPOUND_PARTS.replace(".txt", ".stems.txt")
    files[stems] = dictionary_stems(files[COMPOUND_PARTS])
    return files


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = pathlib.Path(argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in core_configuration(ckan_schema_path().read_text("utf-8")).items():
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text("utf-8") != text:
            target.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
