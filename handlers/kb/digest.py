"""The weekly digest, posted to the announcements channel on every platform: events coming
up that still have seats, what was added to the knowledge base this week, a term of the
week, and the network's figures: introductions made this week, and how many organisations
have checked in for REMI this quarter (as ranges, by the REMI disclosure rule).

The digest is a list of sections, each a function that returns its lines or nothing, so a
feature adds its part to the digest by adding a section.

An admin sets the day and time (`digest schedule monday 09:00`; by default Monday 09:00
London time) and can read it first (`digest preview`). Each week's digest is a due row per
platform keyed by its ISO week (`kb:digest:2026-W48:discord`), so however often the
scheduler plans or fires it goes out once a week, and a platform that fails is retried
without the others posting twice.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from contract.params import TimeOfDay, weekday
from contract.specs import CommandSpec, DueJob, JobSpec, Request
from contract.vocabulary import Platform, Reply, Role
from contract.when import WEEKDAYS, format_when, shown_when
from handlers.kb.weeks import at_local, monday_of, week_key
from handlers.network.periods import current_period
from handlers.network.remi_picture import network_picture
from handlers.notify import channel_for
from handlers.services import Services
from storage import due, events, intros, kb, remi
from storage.events import Event

DIGEST_KIND = "kb.digest"
CHANNEL = "announcements"
KEY_PREFIX = "kb:digest:"
DEFAULT_WEEKDAY, DEFAULT_AT = 0, time(9, 0)
# A digest whose time passed while the bot was down still goes out, if this recently.
LATE_ENOUGH = timedelta(hours=12)
EVENTS_AHEAD = timedelta(days=28)
MAX_EVENTS = 5
# More introduction rounds than this in one week would be a cadence nobody sets.
MAX_ROUNDS_IN_A_WEEK = 7
DAY = weekday("day", "The weekday the digest goes out", required=False)
AT = TimeOfDay("time", "The London time it goes out, e.g. 09:00", required=False)


@dataclass(frozen=True)
class DigestWeek:
    """The week a digest covers: the seven days up to the moment it is written."""

    start: datetime
    end: datetime
    monday: date


Section = Callable[[Session, DigestWeek, Services], list[str]]


def events_with_seats(session: Session, week: DigestWeek, services: Services) -> list[str]:
    """Events in the next four weeks that a member can still RSVP to and get a seat at."""
    lines = [
        f"• {format_when(event.starts_at, services.timezone)}: {event.title} "
        f"(event {event.id}), {seats}"
        for event, seats in _open_events(session, week)
    ]
    if not lines:
        return []
    return ["Coming up, with seats left:", *lines, "RSVP with `event <number>`."]


def _open_events(session: Session, week: DigestWeek) -> list[tuple[Event, str]]:
    """The events `events_with_seats` lists, with the seats each has left."""
    listed: list[tuple[Event, str]] = []
    for event in events.upcoming_events(session, week.end, limit=50):
        if event.starts_at > week.end + EVENTS_AHEAD or len(listed) == MAX_EVENTS:
            break
        if event.starts_at <= week.end or (
            event.rsvp_deadline is not None and event.rsvp_deadline <= week.end
        ):
            continue
        seats = _seats_left(event, events.counts(session, event.id).going)
        if seats:
            listed.append((event, seats))
    return listed


def _seats_left(event: Event, going: int) -> str | None:
    if event.capacity is None:
        return "all welcome"
    left = event.capacity - going
    return None if left <= 0 else f"{left} seat{'' if left == 1 else 's'} left"


def resources_added(session: Session, week: DigestWeek, services: Services) -> list[str]:
    added = kb.approved_between(session, week.start, week.end)
    if not added:
        return []
    return [
        "New in the knowledge base this week, suggested by members:",
        *(f"• {row.title}: {row.summary}" for row in added),
    ]


def term_of_the_week(session: Session, week: DigestWeek, services: Services) -> list[str]:
    """A definition in turn, week by week, in the order of their ids."""
    terms = sorted(
        (e for e in services.knowledge.entries if e.kind == "definition"), key=lambda e: e.id
    )
    if not terms:
        return []
    term = terms[week.monday.toordinal() // 7 % len(terms)]
    return [f"Term of the week: {term.title}. {term.summary}", f"More: `define {term.title}`"]


def introductions_made(session: Session, week: DigestWeek, services: Services) -> list[str]:
    """How many peer introductions this week's rounds made: a count, never who met whom."""
    made = sum(
        len(groups)
        for round_row, groups in intros.rounds_with_groups(session, MAX_ROUNDS_IN_A_WEEK)
        if week.start <= round_row.scheduled_for < week.end
    )
    if not made:
        return []
    return [f"Peer introductions this week: {made} made. Join the next round with `intros join`."]


def remi_checkins(session: Session, week: DigestWeek, services: Services) -> list[str]:
    """How many organisations have checked in this quarter, never which, published as in the
    REMI report (see `handlers/network/disclosure.py`)."""
    if not remi.organisations(session):
        return []
    period = current_period("quarterly", week.end, services.timezone)
    picture = network_picture(session, period, services.timezone)
    return [
        f"REMI check-ins for {period.label}: {picture.checked_in} of "
        f"{picture.taking_part} organisations so far."
    ]


SECTIONS: Sequence[Section] = (
    events_with_seats,
    resources_added,
    term_of_the_week,
    introductions_made,
    remi_checkins,
)


def compose(services: Services, now: datetime) -> Reply:
    week = DigestWeek(now - timedelta(days=7), now, monday_of(now, services.timezone))
    with services.db.session() as session:
        parts = [lines for section in SECTIONS if (lines := section(session, week, services))]
        listed = _open_events(session, week)
    return Reply(
        "\n\n".join("\n".join(lines) for lines in parts),
        title=f"LARCH Hub weekly digest, week of {week.monday:%-d %B %Y}",
        times=tuple(shown_when(event.starts_at, services.timezone) for event, _ in listed),
    )


async def send_digest(job: DueJob, services: Services) -> str | None:
    """One platform's digest: each platform has its own row, so a platform that fails is
    tried again without the others getting the digest twice."""
    platform = Platform(job.payload["platform"])
    messenger = services.messengers.get(platform)
    channel = channel_for(services, platform, CHANNEL)
    if messenger is None or channel is None:
        return None
    await messenger.post_to_channel(channel, compose(services, services.clock.now()))
    return f"weekly digest to the {CHANNEL} channel on {platform.value}"


# --- when it goes ---------------------------------------------------------------------------


def _schedule(session: Session) -> tuple[int, time]:
    row = kb.digest_schedule(session)
    if row is None:
        return DEFAULT_WEEKDAY, DEFAULT_AT
    return row.weekday, time(row.hour, row.minute)


def next_digest(session: Session, now: datetime, services: Services) -> tuple[date, datetime]:
    """This week's digest (its week's Monday, and when it goes), or next week's once this
    week's is well past."""
    monday = monday_of(now, services.timezone)
    when = _in_week(session, monday, services)
    if now > when + LATE_ENOUGH:
        monday += timedelta(days=7)
        when = _in_week(session, monday, services)
    return monday, when


def _in_week(session: Session, monday: date, services: Services) -> datetime:
    weekday, at = _schedule(session)
    return at_local(monday + timedelta(days=weekday), at, services.timezone)


def _key(monday: date, platform: Platform) -> str:
    return f"{KEY_PREFIX}{week_key(monday)}:{platform.value}"


def platforms_with_channel(services: Services) -> list[Platform]:
    """Connected platforms with an announcements channel set. The console takes any
    purpose as its channel, so it counts only when set too: with nowhere real to post, no
    digest is planned (`digest preview` still shows it)."""
    return [p for p in services.messengers if CHANNEL in services.channels.get(p, {})]


def _plan(session: Session, now: datetime, services: Services, *, again: bool) -> None:
    """Make this week's (or next week's) digest due on each platform. `again`: also bring
    back rows cancelled by a change of schedule; a digest already sent stays sent."""
    monday, when = next_digest(session, now, services)
    for platform in platforms_with_channel(services):
        key = _key(monday, platform)
        if again or due.find(session, key) is None:
            due.schedule(session, key, DIGEST_KIND, when, {"platform": platform.value})


async def plan_digest(services: Services, now: datetime) -> None:
    with services.db.session() as session:
        _plan(session, now, services, again=False)


async def set_schedule(request: Request, services: Services) -> Reply:
    now = services.clock.now()
    day_name, at = request.optional(DAY), request.optional(AT)
    if day_name is None and at is None:
        with services.db.session() as session:
            status = _status(session, now, services)
        return Reply(
            f"{status} Change it with `digest schedule <day> <HH:MM>`, for example "
            "`digest schedule monday 09:00`.",
            private=True,
        )
    if day_name is None or at is None:
        return Reply(
            "Give both a day and a time: `digest schedule monday 09:00` (a day of the week, "
            "then the time in London).",
            private=True,
        )
    day = WEEKDAYS.index(day_name)
    with services.db.session() as session:
        kb.set_digest_schedule(session, day, at.hour, at.minute, request.member.id, now)
        # The digest not yet sent moves to the new time; one already sent this week stays
        # sent, so the week never gets two.
        due.cancel(session, KEY_PREFIX, now)
        _plan(session, now, services, again=True)
        status = _status(session, now, services)
    return Reply(f"Done. {status}", private=True)


async def preview(request: Request, services: Services) -> Reply:
    now = services.clock.now()
    digest = compose(services, now)
    with services.db.session() as session:
        status = _status(session, now, services)
    return Reply(
        f"{digest.text}\n\n(A preview, as it would look now, shown only to you. {status})",
        title=digest.title,
        private=True,
        times=digest.times,
    )


def _status(session: Session, now: datetime, services: Services) -> str:
    """When the digest goes out, and when next, in a sentence or two."""
    weekday, at = _schedule(session)
    monday, when = next_digest(session, now, services)
    if any(row.sent_at for row in due.keys_starting(session, KEY_PREFIX + week_key(monday))):
        when = _in_week(session, monday + timedelta(days=7), services)
    status = (
        f"The weekly digest goes to the {CHANNEL} channel on {WEEKDAYS[weekday].title()}s at "
        f"{at:%H:%M} (London time); the next on {_when(when, services)}."
    )
    if not platforms_with_channel(services):
        status += (
            f" No {CHANNEL} channel is set yet (`DISCORD_CHANNELS={CHANNEL}:<id>`), so none "
            "goes out until one is."
        )
    return status


def _when(instant: datetime, services: Services) -> str:
    return f"{instant.astimezone(services.timezone):%A %-d %B at %H:%M}"


COMMANDS = [
    CommandSpec(
        name="digest schedule",
        summary="When the weekly digest goes out, or set it: a day and a time (admins)",
        handler=set_schedule,
        params=(DAY, AT),
        role=Role.ADMIN,
        examples=("digest schedule monday 09:00",),
    ),
    CommandSpec(
        name="digest preview",
        summary="The weekly digest as it would go out now, shown only to you (admins)",
        handler=preview,
        role=Role.ADMIN,
    ),
]
JOBS = [JobSpec(DIGEST_KIND, send_digest)]
PLANNERS = [plan_digest]
