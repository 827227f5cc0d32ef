"""The next meeting's agenda: any member adds an item (`agenda add <item>`), everyone reads
it in order (`agenda`), the chair reorders (`agenda move <n> <position>`) and drops
(`agenda drop <n>`). Actions still open past their due date are listed under the items
automatically, and the day before the meeting the agenda is posted to the steering channel.
"""

from collections.abc import Callable

from sqlmodel import Session

from contract.paging import START, Page, page_of
from contract.params import Number, Text
from contract.specs import ActionSpec, CommandSpec, DueJob, JobSpec, Request
from contract.vocabulary import Moment, Reply, Role
from contract.when import shown_span
from handlers.notify import announce
from handlers.services import Services
from handlers.steering import roster
from handlers.steering.actions import overdue_lines
from handlers.timeliness import until_words
from storage import steering
from storage.steering import AgendaItem, Meeting

POST_KIND = "steering.post_agenda"
AGENDA_PAGE = "steering.agenda_page"
AGENDA_PAGE_SIZE = 15
MAX_ITEM_CHARS = 300

NO_MEETING = Reply(
    "No meeting is set yet, so there is no agenda. Once the chair confirms a date (see "
    "`steering plan`), add items with `agenda add <item>`.",
    private=True,
)


ITEM_TEXT = Text("item", "What the group should discuss", max_length=MAX_ITEM_CHARS)
ITEM = Number("number", "The item's number, as `agenda` lists it")
POSITION = Number("position", "Where it should go: 1 is first")


async def show_agenda(request: Request, services: Services) -> Reply:
    """`agenda`, a page of items at a time: the "Next" button runs it again from where the
    page ended, and the last page lists the overdue actions."""
    with services.db.session() as session:
        meeting = steering.next_meeting(session, services.clock.now())
        if meeting is None:
            return NO_MEETING
        items = steering.agenda(session, meeting.id)
        page = page_of(items, request.optional(START) or 0, size=AGENDA_PAGE_SIZE)
        text = agenda_text(session, meeting, services, page)
    return Reply(
        text,
        title="Steering group agenda",
        buttons=page.next_button(AGENDA_PAGE),
        private=True,
        times=(meeting_span(meeting, services),),
    )


async def add_item(request: Request, services: Services) -> Reply:
    item = request.value(ITEM_TEXT)
    now = services.clock.now()
    with services.db.session() as session:
        meeting = steering.next_meeting(session, now)
        if meeting is None:
            return NO_MEETING
        number = steering.add_agenda_item(session, meeting.id, item, request.member.id, now)
    when = meeting_span(meeting, services)
    return Reply(
        f"Added as item {number} on the agenda for {when.words}.", private=True, times=(when,)
    )


async def move_item(request: Request, services: Services) -> Reply:
    number, to = request.value(ITEM), request.value(POSITION)
    return await _chair_edits(
        request,
        services,
        lambda session, meeting_id: steering.move_agenda_item(session, meeting_id, number, to),
        lambda item: f"Moved “{item.text}” to position {to}.",
    )


async def drop_item(request: Request, services: Services) -> Reply:
    number = request.value(ITEM)
    return await _chair_edits(
        request,
        services,
        lambda session, meeting_id: steering.drop_agenda_item(session, meeting_id, number),
        lambda item: f"Dropped “{item.text}”.",
    )


async def _chair_edits(
    request: Request,
    services: Services,
    edit: Callable[[Session, int], AgendaItem | None],
    done: Callable[[AgendaItem], str],
) -> Reply:
    """Apply the chair's edit to the next meeting's agenda and show the agenda after it."""
    with services.db.session() as session:
        meeting = steering.next_meeting(session, services.clock.now())
        if meeting is None:
            return NO_MEETING
        if not roster.may_chair(session, request.member):
            return roster.CHAIR_ONLY
        item = edit(session, meeting.id)
        if item is None:
            return _no_such_item(session, meeting)
        text = agenda_text(session, meeting, services)
    return Reply(f"{done(item)}\n\n{text}", private=True, times=(meeting_span(meeting, services),))


def meeting_span(meeting: Meeting, services: Services) -> Moment:
    """When the meeting is, as `agenda_text` shows it."""
    return shown_span(meeting.starts_at, meeting.ends_at, services.timezone)


def agenda_text(
    session: Session, meeting: Meeting, services: Services, page: Page[AgendaItem] | None = None
) -> str:
    """The agenda in order (all of it, or one page), with the actions overdue as of now
    listed after the last item."""
    when = meeting_span(meeting, services).words
    if page is None:
        page = page_of(items := steering.agenda(session, meeting.id), size=max(1, len(items)))
    shown = f" (items {page.range_words})" if page.range_words else ""
    lines = [f"Agenda for the steering group meeting, {when}{shown}:"]
    lines += [
        f"{n}. {item.text} (added by {roster.display_name(session, item.added_by)})"
        for n, item in enumerate(page.items, start=page.start + 1)
    ]
    if not page.total:
        lines.append("No items yet. Add one with `agenda add <item>`.")
    if page.end < page.total:
        return "\n".join(lines)
    today = services.clock.now().astimezone(services.timezone).date()
    overdue = overdue_lines(session, today)
    if overdue:
        lines += ["", "Overdue actions:", *(f"• {line}" for line in overdue)]
    return "\n".join(lines)


def _no_such_item(session: Session, meeting: Meeting) -> Reply:
    count = len(steering.agenda(session, meeting.id))
    return Reply(
        f"The agenda has {count} item{'s' if count != 1 else ''}: use numbers from 1 to "
        f"{count}, as `agenda` shows them.",
        private=True,
    )


async def post_agenda(job: DueJob, services: Services) -> str | None:
    """The day before: the agenda as it stands, in the steering channel; sent late, it says
    when the meeting really is, and not at all once it has started."""
    now = services.clock.now()
    with services.db.session() as session:
        meeting = steering.get_meeting(session, job.payload["meeting_id"])
        if meeting is None or now >= meeting.starts_at:
            return None
        text = agenda_text(session, meeting, services)
    title = f"Agenda for the meeting {until_words(meeting.starts_at, now, services.timezone)}"
    posted = await announce(
        services, "steering", Reply(text, title=title, times=(meeting_span(meeting, services),))
    )
    return f"posted the agenda for meeting {meeting.id} to {len(posted.refs)} channel(s)"


COMMANDS = [
    CommandSpec(
        name="agenda",
        summary="The next steering group meeting's agenda",
        handler=show_agenda,
        role=Role.STEERING,
    ),
    CommandSpec(
        name="agenda add",
        summary="Add an item to the next meeting's agenda",
        handler=add_item,
        params=(ITEM_TEXT,),
        role=Role.STEERING,
        examples=("agenda add Budget for the annual conference",),
    ),
    CommandSpec(
        name="agenda move",
        summary="Move an agenda item (chair)",
        handler=move_item,
        params=(ITEM, POSITION),
        role=Role.STEERING,
        examples=("agenda move 3 1",),
    ),
    CommandSpec(
        name="agenda drop",
        summary="Drop an agenda item (chair)",
        handler=drop_item,
        params=(ITEM,),
        role=Role.STEERING,
        examples=("agenda drop 2",),
    ),
]

ACTIONS = [ActionSpec(AGENDA_PAGE, show_agenda, role=Role.STEERING, params=(START,))]

JOBS = [JobSpec(POST_KIND, post_agenda)]
