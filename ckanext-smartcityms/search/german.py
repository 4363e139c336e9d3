"""German word forms as our Solr analysis makes them, and compound splitting.

Solr indexes a compound with its parts (field type text_de: the
decompounder after normalisation and light stemming). A query is not split
in Solr: the parts would be alternatives of the whole word, so
"Radverkehr" would find everything with "Verkehr". query.py instead asks
for the word *or all of its parts*, using split() below with the same
dictionary (compound-parts-de.txt, which solr/build_schema.py also turns
into Solr's). No CKAN imports: the Solr build uses this module too.
"""
import functools
import pathlib

PARTS_FILE = pathlib.Path(__file__).with_name("compound-parts-de.txt")
# letters between two parts of a compound (Fugenelemente): Verkehr-s-zählung, Straße-n-baum
LINKS = ("", "s", "es", "n", "en", "e", "er")
MIN_PART = 3


def normalised(word: str) -> str:
    """The form Lucene's GermanNormalizationFilter gives a lower-case word:
    ä ö ü -> a o u, ß -> ss, and "ae", "oe", "ue" -> a, o, u unless the "u"
    follows a vowel or "q" (German2 snowball rules)."""
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


def light_stem(word: str) -> str:
    """The stem Lucene's GermanLightStemFilter gives a normalised word."""
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


def analysed(word: str) -> str:
    """A word as the index holds it (before decompounding)."""
    return light_stem(normalised(word.lower()))


def word_list(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@functools.lru_cache(maxsize=1)
def part_stems() -> frozenset:
    """The dictionary as Solr compares with it: normalised stems of the word parts."""
    return frozenset(analysed(w) for w in word_list(PARTS_FILE.read_text("utf-8")))


def split(word: str) -> list[str] | None:
    """The parts of a compound, as index stems, or None if the word is not
    made of at least two dictionary parts (linked by Fugen letters).

    >>> split("Radzählungen")
    ['rad', 'zahlung']
    """
    stem = analysed(word)
    parts = _fewest_parts(stem, part_stems())
    return list(parts) if parts and len(parts) > 1 else None


def _fewest_parts(text, dictionary):
    # best[i]: the shortest sequence of parts covering text[:i]
    best = {0: ()}
    for end in range(MIN_PART, len(text) + 1):
        for start in sorted(best):
            candidate = text[start:end]
            for link in LINKS:
                if link and start and text[start:start + len(link)] == link:
                    piece = text[start + len(link):end]
                elif not link:
                    piece = candidate
                else:
                    continue
                if len(piece) >= MIN_PART and piece in dictionary:
                    found = best[start] + (piece,)
                    if end not in best or len(found) < len(best[end]):
                        best[end] = found
    return best.get(len(text))
