"""Turn what members type, and what curators write, into comparable words.

Both sides go through the same steps, so "Co-Production Toolkits", "coproduction toolkit"
and "co production toolkit" all become `coproduction toolkit`, and "minoritized
organizations" becomes `minoritised organisation`. The steps only need to be consistent,
not linguistically perfect: a word mangled the same way on both sides still matches.
"""

import functools
import re
import unicodedata

# Prefixes written joined, hyphenated or spaced ("co-production", "coproduction",
# "co production"); always joined so the three spellings become one word.
JOINED_PREFIXES = frozenset({"anti", "co", "inter", "intra", "multi", "non", "post", "pre"})

# Two-word spellings of words that are also written as one.
COMPOUNDS = {
    ("frame", "work"): "framework",
    ("health", "care"): "healthcare",
    ("tool", "kit"): "toolkit",
    ("well", "being"): "wellbeing",
    ("work", "force"): "workforce",
    ("work", "shop"): "workshop",
}

# Words ending in "s" that are not plurals, including acronyms members type in capitals.
NOT_PLURAL = frozenset(
    {
        "alias",
        "always",
        "atlas",
        "bias",
        "canvas",
        "census",
        "consensus",
        "gas",
        "lens",
        "news",
        "perhaps",
        "plus",
        "series",
        "species",
        "status",
        "wdes",
        "whereas",
        "wres",
        "yes",
    }
)

# US spellings (singular, after plurals are removed) that need more than the -ize rule.
US_TO_UK = {
    "aging": "ageing",
    "analyze": "analyse",
    "analyzed": "analysed",
    "analyzing": "analysing",
    "catalog": "catalogue",
    "center": "centre",
    "defense": "defence",
    "dialog": "dialogue",
    "enroll": "enrol",
    "fulfill": "fulfil",
    "gray": "grey",
    "judgment": "judgement",
    "labeled": "labelled",
    "labeling": "labelling",
    "license": "licence",
    "modeling": "modelling",
    "pediatric": "paediatric",
    "practise": "practice",
    "program": "programme",
    "skeptical": "sceptical",
    "traveling": "travelling",
}

# -or words spelt -our in British English; only these stems, so "labor" changes but
# "laboratory" and "minority" do not.
OUR_STEMS = ("behavio", "colo", "endeavo", "favo", "flavo", "harbo", "hono", "humo", "labo")
OUR_ENDINGS = frozenset({"r", "rs", "ral", "rally", "red", "ring", "rite", "rites", "rist"})
_NEIGHBOR = re.compile(r"neighbor(\w*)")

# Words ending in -ize that are spelt the same in British English.
IZE_KEPT = frozenset({"capsize", "downsize", "maize", "prize", "resize", "seize", "size"})
_IZE = re.compile(r"(\w{3,})iz(e|es|ed|er|ers|ing|ation|ations|ational)$")
_YZE = re.compile(r"(\w+)yz(e|ed|es|ing)$")

_LOOKALIKES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u2010": "-", "\u2011": "-"}
)
_CONTRACTION = re.compile(r"\b(what|who|where|how|it|that|there|here|he|she)'s\b")
_POSSESSIVE = re.compile(r"'s\b")
_NEGATION = re.compile(r"\b(can|won)'t\b|n't\b")
_HYPHENATED = re.compile(r"\b([a-z]+)-(?=[a-z0-9])")
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case, unaccented, British-spelt, singular words separated by single spaces."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """The normalised words of `text`, in order."""
    text = unicodedata.normalize("NFKD", text.translate(_LOOKALIKES).lower())
    if not text.isascii():
        # Accents go; any other non-ASCII character (a dash, a bullet) separates words.
        text = "".join(
            char if char.isascii() else ("" if unicodedata.combining(char) else " ")
            for char in text
        )
    text = _CONTRACTION.sub(r"\1 is", text)
    text = _NEGATION.sub(_negation, _POSSESSIVE.sub("", text)).replace("'", "")
    text = _HYPHENATED.sub(_join_or_split, text)
    tokens = _join_compounds(_WORD.findall(text))
    return [_normal_word(token) for token in tokens]


def singular(word: str) -> str:
    """A plural noun's singular, approximately ("toolkits" -> "toolkit")."""
    if len(word) <= 3 or word in NOT_PLURAL or not word.endswith("s") or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("ss", "ias", "ch", "sh", "x", "zz")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1]


def british(word: str) -> str:
    """The British spelling of a US-spelt word; other words unchanged."""
    if word in US_TO_UK:
        return US_TO_UK[word]
    for stem in OUR_STEMS:
        if word.startswith(stem) and word[len(stem) :] in OUR_ENDINGS:
            return stem + "u" + word[len(stem) :]
    if match := _NEIGHBOR.fullmatch(word):
        return "neighbour" + match.group(1)
    if (match := _IZE.fullmatch(word)) and match.group(1) + "ize" not in IZE_KEPT:
        return f"{match.group(1)}is{match.group(2)}"
    if match := _YZE.fullmatch(word):
        return f"{match.group(1)}ys{match.group(2)}"
    return word


# Bounded: the words of a knowledge base and its queries are a small, repeating set.
@functools.lru_cache(maxsize=100_000)
def _normal_word(word: str) -> str:
    return british(singular(word))


def _negation(match: re.Match[str]) -> str:
    verb = {"can": "can", "won": "will"}.get(match.group(1) or "", "")
    return f"{verb} not"


def _join_or_split(match: re.Match[str]) -> str:
    prefix = match.group(1)
    return prefix if prefix in JOINED_PREFIXES else prefix + " "


def _join_compounds(tokens: list[str]) -> list[str]:
    joined: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if following is not None and following.isalpha():
            if token in JOINED_PREFIXES:
                joined.append(token + following)
                i += 2
                continue
            if (token, following) in COMPOUNDS:
                joined.append(COMPOUNDS[token, following])
                i += 2
                continue
        joined.append(token)
        i += 1
    return joined
