"""Introducing a group: one group message when everyone is on the same platform, otherwise
a direct message to each person introducing the others and saying where to find them.
Every message names the others' organisations and shared topics and suggests a first
question. Each group is its own due row, so a restart sends only what was not sent."""

import itertools
from collections.abc import Iterable

from contract.specs import DueJob
from contract.vocabulary import Moment, Platform, Reply
from contract.when import shown_when
from handlers.intros import cadence
from handlers.intros.profile import TOPICS, listed
from handlers.notify import where_to_reach
from handlers.services import Services
from handlers.timeliness import superseded
from storage import intros as store
from storage.intros import GroupMember, GroupView

PLATFORM_NAMES = {Platform.SLACK: "Slack", Platform.DISCORD: "Discord", Platform.CONSOLE: "console"}
FIRST_QUESTIONS = {
    "workforce": "What does your workforce race data tell you, and what are you doing about it?",
    "recruitment": "What has made the biggest difference to fair recruitment where you work?",
    "leadership": "How do your leaders show they own anti-racism work, not just sponsor it?",
    "data": "Which ethnicity data do you trust, and which would you like to collect better?",
    "co-production": "How do communities shape your decisions, not just comment on them?",
    "procurement": "Have you built anti-racism into how you buy services? What worked?",
    "REMI": "Which REMI stage are you at, and what would move you to the next one?",
    "commissioning": "How do you hold the services you commission to account on race equity?",
    "training": "Which anti-racism training changed practice where you work, and how could "
    "you tell?",
    "patient experience": "How do you hear from patients who experience racism in your services?",
    "community engagement": "Which community partnership has taught you the most, and why?",
    "policy": "Which policy change made the most practical difference where you work?",
}
NO_TOPICS_TO_COMPARE = "Not everyone picked topics, so start with the question below."
OPENING_QUESTION = (
    "What is one change your organisation made on race equity this year, and what made it stick?"
)


async def introduce(job: DueJob, services: Services) -> str | None:
    with services.db.session() as session:
        group = store.group(session, job.payload["group"])
    if group is None or len(group.members) < 2:
        return None  # people left or deleted their data since the round was made
    if superseded([cadence.next_round(services, group.round_at)], services.clock.now()):
        return None  # the next round introduces them instead
    places = {m.member_id: where_to_reach(services, m.member_id) for m in group.members}
    # The outcome is logged: it says how many, not who.
    people = f"{len(group.members)} people"
    platforms = {place[0] for place in places.values() if place is not None}
    if len(platforms) == 1 and None not in places.values():
        platform = platforms.pop()
        user_ids = [place[1] for place in places.values() if place is not None]
        await services.messengers[platform].open_group(user_ids, _group_message(group, services))
        return f"introduced {people} in a group message"
    for member in group.members:
        place = places[member.member_id]
        if place is not None:
            reply = _direct_message(member, group, places, services)
            await services.messengers[place[0]].send_direct(place[1], reply)
    return f"introduced {people} by direct messages"


def _group_message(group: GroupView, services: Services) -> Reply:
    topics = _shared(*(m.topics for m in group.members))
    lines = [
        "Meet each other! This round's peer introduction:",
        *(f"• {m.name}, {m.organisation} ({m.sector})" for m in group.members),
        _topics_line(topics, "You", group.members)
        if len(group.members) == 2
        else _trio_topics_line(topics, group.members),
        f"A first question: “{_first_question(topics)}”",
        _closing(group, services),
    ]
    return Reply("\n".join(lines), title="Peer introduction", times=(_next_round(group, services),))


def _direct_message(
    member: GroupMember,
    group: GroupView,
    places: dict[int, tuple[Platform, str] | None],
    services: Services,
) -> Reply:
    own_place = places[member.member_id]
    lines = ["Your peer introduction this round:"]
    all_shared: list[str] = []
    for other in group.others(member.member_id):
        topics = _shared(member.topics, other.topics)
        all_shared += [t for t in topics if t not in all_shared]
        lines.append(f"• {other.name} from {other.organisation} ({other.sector}).")
        lines.append("  " + _how_to_reach(other, places[other.member_id], own_place))
        lines.append("  " + _topics_line(topics, f"You and {other.name}", (member, other)))
    lines.append(f"A first question: “{_first_question(all_shared)}”")
    lines.append(_closing(group, services))
    return Reply("\n".join(lines), title="Peer introduction", times=(_next_round(group, services),))


def _how_to_reach(
    other: GroupMember,
    their_place: tuple[Platform, str] | None,
    own_place: tuple[Platform, str] | None,
) -> str:
    if their_place is None:
        return f"I can't message {other.name} directly; look for them in the hub's channels."
    platform = PLATFORM_NAMES[their_place[0]]
    if own_place is not None and own_place[0] == their_place[0]:
        return f"Message them here on {platform}; they've had this introduction too."
    return (
        f"They're on {platform}: find {other.name} in the LARCH Hub there; they've had "
        "this introduction too."
    )


def _shared(*topic_sets: Iterable[str]) -> list[str]:
    """Topics at least two of the people share, in the form's order."""
    sets = [set(topics) for topics in topic_sets]
    common = set().union(*(a & b for a, b in itertools.combinations(sets, 2)))
    return [topic for topic in TOPICS if topic in common]


def _topics_line(topics: list[str], who: str, people: Iterable[GroupMember]) -> str:
    if topics:
        return f"{who} both want to talk about {listed(topics)}."
    if _all_picked(people):
        return f"{who} picked different topics: a good reason to compare notes."
    return NO_TOPICS_TO_COMPARE


def _trio_topics_line(topics: list[str], people: Iterable[GroupMember]) -> str:
    if topics:
        return f"Between you, you want to talk about {listed(topics)}."
    if _all_picked(people):
        return "You picked different topics: a good reason to compare notes."
    return NO_TOPICS_TO_COMPARE


def _all_picked(people: Iterable[GroupMember]) -> bool:
    """Topics can only be "different" when everyone picked some."""
    return all(person.topics for person in people)


def _first_question(topics: list[str]) -> str:
    return FIRST_QUESTIONS[topics[0]] if topics else OPENING_QUESTION


def _closing(group: GroupView, services: Services) -> str:
    return (
        f"Could you find 30 minutes before the next round ({_next_round(group, services).words})? "
        "Halfway there I'll ask whether you met."
    )


def _next_round(group: GroupView, services: Services) -> Moment:
    return shown_when(cadence.next_round(services, group.round_at), services.timezone)
