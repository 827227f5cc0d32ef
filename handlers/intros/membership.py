"""Taking part: join (a form), leave, pause, see one's status and history, and privately
rule someone out for good."""

import calendar
from datetime import UTC, date, datetime, time, timedelta

from contract.params import Day, Duration, Length, Person
from contract.specs import Request
from contract.vocabulary import Reply
from contract.when import shown_when
from handlers.intros import cadence
from handlers.intros.profile import ProfileError, join_form, people, read_profile
from handlers.services import Services
from storage import intros as store
from storage import members

NOT_IN = Reply(
    "You're not taking part in peer introductions. Type `intros join` to start.", private=True
)
PAUSE_USAGE = Reply(
    "Pause like this: `intros pause until 2027-01-15` or `intros pause for 4 weeks`.",
    private=True,
)
MET_WORDS = {
    "yes": "you met",
    "not_yet": "not met yet",
    "wont": "you won't meet",
    None: "no answer yet",
}
LONGEST_PAUSE = timedelta(days=366)

UNTIL = Day("until", "The day you're back, e.g. 2027-01-15", required=False, keyword="until")
LENGTH = Length("length", "How long, e.g. 4 weeks or 10 days", required=False, keyword="for")
PERSON = Person("person", "Who you never want to be paired with")


async def ask_to_join(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        current = store.participant(session, request.member.id)
    text = (
        "Update your details for peer introductions:"
        if current and current.active
        else "Peer introductions pair you with someone from another organisation every "
        "round. Tell me a little about you:"
    )
    return Reply(text, form=join_form(current, request.member.organisation), private=True)


async def join(request: Request, services: Services) -> Reply:
    try:
        organisation, sector, topics = read_profile(dict(request.fields))
    except ProfileError as error:
        return Reply(f"{error} Nothing was saved; type `intros join` to try again.", private=True)
    now = services.clock.now()
    with services.db.session() as session:
        store.join(session, request.member.id, organisation, sector, topics, now)
        members.set_organisation(session, request.member.id, organisation)
    next_round = shown_when(cadence.next_round(services, now), services.timezone)
    return Reply(
        f"You're in! Next round: {next_round.words}. I'll introduce you to someone from "
        "another organisation then. `intros pause for 4 weeks` takes a break; `intros leave` "
        "stops.",
        private=True,
        times=(next_round,),
    )


async def leave(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        left = store.leave(session, request.member.id)
    if not left:
        return NOT_IN
    return Reply(
        "You've left peer introductions: no more rounds for you. Your past introductions stay "
        "in `intros history`; type `intros join` to come back.",
        private=True,
    )


async def pause(request: Request, services: Services) -> Reply:
    now = services.clock.now()
    tz = services.timezone
    today = now.astimezone(tz).date()
    until_day, length = request.optional(UNTIL), request.optional(LENGTH)
    if (until_day is None) == (length is None):
        return PAUSE_USAGE
    back_on = until_day or _after(today, length)
    if back_on <= today:
        return Reply("That date isn't in the future. " + PAUSE_USAGE.text, private=True)
    until = datetime.combine(back_on, time(0), tz).astimezone(UTC)
    if until - now > LONGEST_PAUSE:
        return Reply(
            "That's more than a year away: `intros leave` may suit you better, and "
            "`intros join` brings you back any time.",
            private=True,
        )
    with services.db.session() as session:
        paused = store.pause(session, request.member.id, until)
    if not paused:
        return NOT_IN
    first_back = shown_when(cadence.next_round(services, until - timedelta(seconds=1)), tz)
    return Reply(
        f"Paused until {back_on:%a %-d %b %Y}: no introductions before then. Your first "
        f"round back: {first_back.words}.",
        private=True,
        times=(first_back,),
    )


async def status(request: Request, services: Services) -> Reply:
    now = services.clock.now()
    tz = services.timezone
    with services.db.session() as session:
        row = store.participant(session, request.member.id)
        latest = store.groups_of(session, request.member.id, limit=1)
        excluded = store.exclusion_count(session, request.member.id)
    if row is None or not row.active:
        return NOT_IN
    lines = [
        "You're taking part in peer introductions.",
        f"• Organisation: {row.organisation} ({row.sector})",
        f"• Topics: {', '.join(row.topics) or 'none chosen'}",
    ]
    if row.paused_until is not None and row.paused_until > now:
        next_round = shown_when(
            cadence.next_round(services, row.paused_until - timedelta(seconds=1)), tz
        )
        lines.append(
            f"• Paused until {row.paused_until.astimezone(tz):%a %-d %b %Y}; back for the "
            f"round on {next_round.words}"
        )
    else:
        next_round = shown_when(cadence.next_round(services, now), tz)
        lines.append(f"• Next round: {next_round.words}")
    if latest:
        day = latest[0].round_at.astimezone(tz)
        lines.append(
            f"• Latest introduction ({day:%-d %b}): {people(latest[0].others(row.member_id))}"
        )
    if excluded:
        lines.append(
            f"• You've asked never to be paired with {excluded} "
            f"{'person' if excluded == 1 else 'people'} (only you can see this)"
        )
    return Reply("\n".join(lines), title="Peer introductions", private=True, times=(next_round,))


async def history(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        groups = store.groups_of(session, request.member.id, limit=20)
    if not groups:
        return Reply(
            "No introductions yet. Type `intros status` to see when the next round is.",
            private=True,
        )
    lines = ["Your introductions, most recent first:"]
    for group in groups:
        others = people(group.others(request.member.id))
        day = group.round_at.astimezone(services.timezone)
        lines.append(f"• {day:%a %-d %b %Y}: {others} ({MET_WORDS[group.met]})")
    return Reply("\n".join(lines), title="Peer introductions", private=True)


async def never(request: Request, services: Services) -> Reply:
    """Private by design: the reply goes only to the asker, nothing is sent to anyone
    else, and nothing the excluded person can see mentions it."""
    named = request.value(PERSON)
    now = services.clock.now()
    with services.db.session() as session:
        person = members.identify(session, named.platform, named.user_id, "", now)
        if person.id == request.member.id:
            return Reply("That's you! Name someone else with @.", private=True)
        store.exclude(session, request.member.id, person.id, now)
    return Reply(
        f"Done: you'll never be paired with {person.display_name}. They won't be told, and "
        "nobody else can see this.",
        private=True,
    )


def _after(today: date, length: Duration) -> date:
    if length.unit == "month":
        return _add_months(today, length.count)
    return today + timedelta(days=length.count * (7 if length.unit == "week" else 1))


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
