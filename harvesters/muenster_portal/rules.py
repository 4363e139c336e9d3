"""Which Handlungsfeld a migrated dataset belongs to, derived from the old
portal's categories (and the keywords of its title where a category says
nothing): the shipped rule table. A derived assignment is a suggestion
("vorgeschlagen") until an editor confirms it; the editing of the rules in
the admin UI is still to come (issue 27). No dataset stays without one:
what no rule places goes to Management & Infrastruktur, marked so."""
import re

# old category -> Handlungsfeld (slugs of schemas/reference/handlungsfelder.json)
CATEGORY_RULES = {
    "Transport und Verkehr": "mobilitaet-verkehr",
    "Umwelt und Klima": "umwelt-energie-klima",
    "Politik und Wahlen": "teilhabe-kultur",
    "Kultur, Freizeit, Sport und Tourismus": "teilhabe-kultur",
    "Infrastruktur, Bauen und Wohnen": "wohnen-leben",
    "Bevölkerung": "wohnen-leben",
    "Soziales": "wohnen-leben",
    "Gesundheit": "wohnen-leben",
    "Verbraucher Schutz": "wohnen-leben",
    "Verwaltung, Haushalt und Steuern": "management-infrastruktur",
    "Geographie, Geologie und Geobasisdaten": "management-infrastruktur",
    "Bildung und Wissenschaft": "wirtschaft-wissenschaft",
    "Wirtschaft und Arbeit": "wirtschaft-wissenschaft",
}
# words of a title -> Handlungsfeld, for datasets without a category
TITLE_RULES = [
    (re.compile(r"verkehr|parken|park(haus|platz)|bus|bahn|rad|fahrrad|leeze|stra(ss|ß)e", re.I), "mobilitaet-verkehr"),
    (re.compile(r"umwelt|klima|energie|solar|wind|luft|wasser|l(ä|ae)rm|baum|gr(ü|ue)n", re.I), "umwelt-energie-klima"),
    (re.compile(r"wahl|rat|kultur|sport|freizeit|beteiligung", re.I), "teilhabe-kultur"),
    (re.compile(r"wohn|bau|schule|kita|bev(ö|oe)lkerung", re.I), "wohnen-leben"),
    (re.compile(r"wirtschaft|arbeit|wissenschaft|hochschule|forschung", re.I), "wirtschaft-wissenschaft"),
]
FALLBACK = "management-infrastruktur"


def handlungsfelder(categories, title):
    """(slugs, how): `how` is "category", "title" or "fallback" (every one a suggestion)."""
    found = [CATEGORY_RULES[label] for label in categories if label in CATEGORY_RULES]
    if found:
        return list(dict.fromkeys(found)), "category"
    found = [slug for pattern, slug in TITLE_RULES if pattern.search(title or "")]
    if found:
        return list(dict.fromkeys(found)), "title"
    return [FALLBACK], "fallback"
