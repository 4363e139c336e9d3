"""Values as RDF can carry them: IRIs (RFC 3987) and XML 1.0 text.

Editors and sources give URLs such as tile templates
(`https://tile.example.org/{z}/{x}/{y}.png`); rdflib writes them into
RDF/XML and JSON-LD but refuses them in Turtle, so one such value used to
break a whole catalogue page. Characters an IRI cannot hold are
percent-encoded (UTF-8), which keeps the address the same for every HTTP
client; characters XML 1.0 cannot hold are dropped from literals.
"""
import re

# Not allowed anywhere in an IRI: controls, space, and the "unwise" ASCII
# characters; everything else (reserved characters, non-ASCII letters) is.
NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|\\^`]')
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _percent_encoded(match):
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8"))


def as_iri(text):
    """`text` with every character an IRI cannot hold percent-encoded (idempotent)."""
    return NOT_IN_IRI.sub(_percent_encoded, text)


def needs_encoding(text):
    return NOT_IN_IRI.search(text) is not None


def xml_text(text):
    """`text` without the characters XML 1.0 forbids (C0 controls other than tab and line breaks)."""
    return NOT_IN_XML.sub("", text)


def has_control_characters(text):
    return re.search(r"[\x00-\x1f\x7f-\x9f]", text) is not None
