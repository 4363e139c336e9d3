"""Write the `ckan` core's schema.xml: CKAN's own schema plus our additions.

Run with the virtualenv's Python (it imports the installed ``ckan`` package to
find its schema, so the Solr schema always matches the CKAN version in use).

    python solr/build_schema.py OUTPUT_DIR
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

import ckan

ADDITIONS = pathlib.Path(__file__).with_name("schema-additions.xml")
NAMED = ("field", "dynamicField")


def ckan_schema_path() -> pathlib.Path:
    return pathlib.Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"


def extended_schema(ckan_schema: str, additions: str) -> str:
    """Return CKAN's schema text with the additions inserted.

    The text of CKAN's file is kept as it is (comments, order, the
    ``name="ckan-X.Y"`` version CKAN checks at start-up); the additions go in
    just before the closing tags of <fields> and </schema>.
    """
    schema = ET.fromstring(ckan_schema)
    existing = {
        el.get("name") for tag in NAMED for el in schema.iter(tag)
    }
    fields, copies = [], []
    for el in ET.fromstring(additions):
        if el.tag in NAMED:
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
    text = _insert_before(ckan_schema, "</fields>",
                          marker + "".join(f"    {f}\n" for f in fields))
    return _insert_before(text, "</schema>",
                          marker + "".join(f"{c}\n" for c in copies))


def _insert_before(text: str, closing_tag: str, insertion: str) -> str:
    at = text.rfind(closing_tag)
    if at < 0:
        raise ValueError(f"CKAN's schema.xml has no {closing_tag}")
    return text[:at] + insertion + text[at:]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = pathlib.Path(argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    text = extended_schema(ckan_schema_path().read_text("utf-8"),
                           ADDITIONS.read_text("utf-8"))
    target = out_dir / "schema.xml"
    if not target.exists() or target.read_text("utf-8") != text:
        target.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
