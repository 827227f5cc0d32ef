"""What a participant tells us when they join, and the form that asks for it."""

from collections.abc import Iterable, Sequence

from contract.vocabulary import Form, FormField
from storage.intros import GroupMember, IntroParticipant

JOIN_FORM = "intros.join"

SECTORS = (
    "NHS trust",
    "ICB/ICS",
    "local authority",
    "public health",
    "social care",
    "voluntary/community",
    "other",
)
TOPICS = (
    "workforce",
    "recruitment",
    "leadership",
    "data",
    "co-production",
    "procurement",
    "REMI",
    "commissioning",
    "training",
    "patient experience",
    "community engagement",
    "policy",
)


class ProfileError(ValueError):
    """A submitted profile that cannot be stored; the message is for the person."""


def join_form(current: IntroParticipant | None, organisation: str | None) -> Form:
    """The join form, filled in with what we already know."""
    return Form(
        title="Peer introductions",
        action_id=JOIN_FORM,
        fields=(
            FormField(
                "organisation",
                "Your organisation",
                placeholder="e.g. Whittington Health NHS Trust",
                initial=current.organisation if current else organisation or "",
                max_length=200,
            ),
            FormField(
                "sector", "Its sector", choices=SECTORS, initial=current.sector if current else ""
            ),
            FormField(
                "topics",
                "Topics you'd like to talk about",
                choices=TOPICS,
                multiple=True,
                required=False,
                initial=", ".join(current.topics) if current else "",
            ),
        ),
        submit_label="Join",
    )


def read_profile(fields: dict[str, str]) -> tuple[str, str, list[str]]:
    """Organisation, sector and topics from a submitted form, in their canonical spelling."""
    organisation = " ".join(fields.get("organisation", "").split())
    if not organisation:
        raise ProfileError("I need your organisation's name to introduce you well.")
    if len(organisation) > 200:
        raise ProfileError("That organisation name is too long: 200 characters at most.")
    sector = _choice(fields.get("sector", ""), SECTORS)
    if sector is None:
        raise ProfileError(f"Please pick a sector: {', '.join(SECTORS)}.")
    topics = []
    for word in filter(None, (part.strip() for part in fields.get("topics", "").split(","))):
        topic = _choice(word, TOPICS)
        if topic is None:
            raise ProfileError(
                f"I don't know the topic “{word[:60]}”. Pick from: {', '.join(TOPICS)}."
            )
        if topic not in topics:
            topics.append(topic)
    return organisation, sector, topics


def listed(words: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def people(group: Iterable[GroupMember]) -> str:
    """`Bob Brown (Camden Council) and Cara Diaz (Barts Health)`."""
    return listed([f"{m.name} ({m.organisation})" for m in group])


def _choice(value: str, choices: tuple[str, ...]) -> str | None:
    wanted = " ".join(value.split()).casefold()
    return next((choice for choice in choices if choice.casefold() == wanted), None)
