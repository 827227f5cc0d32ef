"""After an event, everyone who had a seat is asked one question: how was it, 1 to 5, with
an optional comment. The organiser reads the summary with `event feedback <id>`. Comments
are shown without names, so people can be candid."""

from collections import Counter
from datetime import timedelta

from contract.params import Number
from contract.specs import ActionSpec, CommandSpec, DueJob, JobSpec, Request
from contract.vocabulary import Button, Form, FormField, Reply, Role
from handlers.events import arguments
from handlers.events.reminders import FEEDBACK_KIND
from handlers.notify import send_to_member
from handlers.services import Services
from handlers.timeliness import too_late
from storage import events, members
from storage.events import Event

RATE_ACTION = "events.rate"
COMMENT_BUTTON_ACTION = "events.comment_form"
COMMENT_ACTION = "events.comment"
SCORE = Number("score", "A score from 1 to 5", maximum=5)
NOT_A_SCORE = Reply("That button doesn't carry a score I understand.", private=True)
# A prompt later than this is dropped: after a fortnight people no longer remember an event
# well enough to score it fairly, and organisers plan the next one (there are at least four a
# year) from what came in while it was fresh; "How was it?" months on reads as a mistake.
FEEDBACK_USEFUL_FOR = timedelta(days=14)


async def send_feedback_prompt(job: DueJob, services: Services) -> str | None:
    """Due when the event ends; sent only if the member still had a seat, and not when the
    dispatcher reaches it more than `FEEDBACK_USEFUL_FOR` after the event."""
    event_id, member_id = int(job.payload["event_id"]), int(job.payload["member_id"])
    with services.db.session() as session:
        event = events.get_event(session, event_id)
        if (
            event is None
            or not events.is_going(session, event, member_id)
            or too_late(event.ends_at, services.clock.now(), FEEDBACK_USEFUL_FOR)
        ):
            return None
        name = members.profile(session, member_id).display_name
    if await send_to_member(services, member_id, feedback_prompt(event)) is None:
        return None
    return f"asked {name} for feedback on “{event.title}”"


def feedback_prompt(event: Event) -> Reply:
    return Reply(
        f"Thank you for coming to {event.title}. How was it, from 1 (poor) to 5 (excellent)? "
        "One click is enough; you can add a comment after.",
        title=f"How was {event.title}?",
        buttons=tuple(
            Button(str(score), action_id=RATE_ACTION, value=f"{event.id}:{score}")
            for score in range(1, 6)
        ),
    )


async def rate(request: Request, services: Services) -> Reply:
    """A score button: its value, `<event id>:<score>`, is untrusted."""
    event = _attended(services, request)
    if isinstance(event, Reply):
        return event
    score = request.value(SCORE)
    with services.db.session() as session:
        events.record_score(session, event.id, request.member.id, score, services.clock.now())
    return Reply(
        f"Thank you: {score} out of 5 for {event.title}. Anything the organisers should know?",
        buttons=(Button("Add a comment", action_id=COMMENT_BUTTON_ACTION, value=str(event.id)),),
        private=True,
    )


async def open_comment_form(request: Request, services: Services) -> Reply:
    event = _attended(services, request)
    if isinstance(event, Reply):
        return event
    return Reply(
        f"Your comment on {event.title}:",
        form=Form(
            title="Your comment",
            action_id=COMMENT_ACTION,
            value=str(event.id),
            fields=(
                FormField(
                    "comment",
                    "What worked, what could be better?",
                    multiline=True,
                    required=False,
                    max_length=1000,
                ),
            ),
        ),
        private=True,
    )


async def comment(request: Request, services: Services) -> Reply:
    event = _attended(services, request)
    if isinstance(event, Reply):
        return event
    text = request.fields.get("comment", "").strip()
    if not text:
        return Reply("No comment added; your score stands. Thank you!", private=True)
    if len(text) > 1000:
        return Reply(
            "That comment is longer than 1,000 characters; please shorten it.", private=True
        )
    with services.db.session() as session:
        stored = events.record_comment(session, event.id, request.member.id, text)
    if not stored:
        return Reply("Please pick a score from 1 to 5 first, then add your comment.", private=True)
    return Reply("Thank you: your comment is with the organisers.", private=True)


async def summary(request: Request, services: Services) -> Reply:
    """`event feedback 3`, for organisers."""
    found = arguments.find_event(services, request.value(arguments.EVENT))
    if isinstance(found, Reply):
        return found
    with services.db.session() as session:
        answers = events.feedback_for(session, found.id)
        asked = len(events.members_with_status(session, found.id, [events.RsvpStatus.GOING]))
    if not answers:
        return Reply(f"No feedback on {found.title} yet.", private=True)
    scores = Counter(a.score for a in answers)
    average = sum(a.score for a in answers) / len(answers)
    lines = [
        f"Feedback on {found.title}: {len(answers)} of {asked} attendees answered, "
        f"average {average:.1f} out of 5.",
        *(
            f"  {score}: {scores[score]} {'■' * scores[score]}".rstrip()
            for score in range(5, 0, -1)
        ),
    ]
    comments = [a.comment for a in answers if a.comment]
    if comments:
        lines += ["Comments:", *(f"• {c}" for c in comments)]
    return Reply("\n".join(lines), title=f"Feedback: {found.title}", private=True)


def _attended(services: Services, request: Request) -> Event | Reply:
    event_id = request.value(arguments.EVENT)
    with services.db.session() as session:
        event = events.get_event(session, event_id)
        if event is None:
            return arguments.not_an_event(event_id)
        attended = events.is_going(session, event, request.member.id)
    if not attended:
        return Reply(f"Feedback on {event.title} is for the people who had a seat.", private=True)
    if services.clock.now() < event.ends_at:
        return Reply(f"{event.title} isn't over yet: feedback opens when it ends.", private=True)
    return event


COMMANDS = [
    CommandSpec(
        name="event feedback",
        summary="What attendees thought of an event (organisers)",
        handler=summary,
        params=(arguments.EVENT,),
        role=Role.ORGANISER,
        examples=("event feedback 3",),
    ),
]

ACTIONS = [
    ActionSpec(RATE_ACTION, rate, params=(arguments.EVENT, SCORE), forged=NOT_A_SCORE),
    ActionSpec(
        COMMENT_BUTTON_ACTION,
        open_comment_form,
        params=(arguments.EVENT,),
        forged=arguments.NO_SUCH_EVENT,
        opens_form=True,
    ),
    ActionSpec(COMMENT_ACTION, comment, params=(arguments.EVENT,), forged=arguments.NO_SUCH_EVENT),
]

JOBS = [JobSpec(FEEDBACK_KIND, send_feedback_prompt)]
