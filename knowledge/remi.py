"""The Race Equity Maturity Index stages: a fixed fact of REMI, used by `remi stages` and by
the check-ins. Source: https://anti-racism.london/race-equity-maturity-index/"""

from dataclasses import dataclass

REMI_URL = "https://anti-racism.london/race-equity-maturity-index/"


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    meaning: str


STAGES: tuple[Stage, ...] = (
    Stage(
        1,
        "Awareness",
        "racism is named as an issue; conversations start, key terms are agreed and "
        "demographic data is collected",
    ),
    Stage(
        2,
        "Commitment",
        "a race equity strategy exists, with resources set aside and progress tracked",
    ),
    Stage(3, "Implementation", "the strategy is being turned into action"),
    Stage(
        4,
        "Embedding",
        "race equity is part of everyday practice; policies and decisions follow "
        "anti-racist principles",
    ),
    Stage(5, "Creating", "the organisation is trying new ways to close racial disparities"),
    Stage(
        6,
        "Championing",
        "the organisation sets the standard, answers to staff and communities, and works on "
        "the wider causes of health inequalities",
    ),
)
