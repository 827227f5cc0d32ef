"""Small pieces of English that every feature words the same way."""


def possessive(name: str) -> str:
    """ "Whittington Health's", "St Thomas'", and a name that already ends in an apostrophe
    ("Guy's and St Thomas'") as it is. An acronym ending in a capital S keeps "'s" ("NHS's"),
    as it is read out letter by letter."""
    if name.endswith(("'", "’")):
        return name
    if name.endswith("s"):
        return f"{name}'"
    return f"{name}'s"
