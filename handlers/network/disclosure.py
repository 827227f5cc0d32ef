"""How small numbers are hidden: any count of organisations below SMALLEST_SHOWN is
replaced by "fewer than 5" wherever it is published, since with so few organisations
behind a number it could point to one."""

SMALLEST_SHOWN = 5
HIDDEN = "fewer than 5"
HIDDEN_IN_FILES = "<5"


def shown(count: int) -> int | None:
    """The count if it may be shown, None if it must be hidden."""
    return count if count >= SMALLEST_SHOWN else None


def say(count: int | None) -> str:
    return HIDDEN if count is None else str(count)


def area_is_large_enough(organisations_in_area: int) -> bool:
    """Whether progress within an area may be mentioned to its leads at all."""
    return organisations_in_area >= SMALLEST_SHOWN
