"""Halfway to the next round: "Did you meet?" with three buttons, and the answer stored
once per group. A button's value is untrusted: only someone in that group can answer or
change the answer, and only with one of the three answers."""

from contract.specs import DueJob, Request
from contract.vocabulary import Button, ButtonStyle, Reply
from handlers.intros import cadence
from handlers.intros.profile import people
from handlers.notify import send_to_member
from handlers.services import Services
from handlers.timeliness import superseded
from storage import intros as store

ANSWER_ACTION = "intros.met"
ANSWERS = {
    "yes": ("Yes", "Great, thank you for letting me know!"),
    "not_yet": ("Not yet", "Thanks. There's still time before the next round."),
    "wont": ("We won't", "Thanks for telling me. You'll meet someone new next round."),
}


async def ask_whether_met(job: DueJob, services: Services) -> str | None:
    with services.db.session() as session:
        group = store.group(session, job.payload["group"])
    if group is None or len(group.members) < 2:
        return None
    if superseded([cadence.next_round(services, group.round_at)], services.clock.now()):
        return None  # "this round" is over: the next one has made new introductions
    for member in group.members:
        others = people(group.others(member.member_id))
        buttons = tuple(
            Button(
                label,
                action_id=ANSWER_ACTION,
                value=f"{group.id}:{answer}",
                style=ButtonStyle.PRIMARY if answer == "yes" else ButtonStyle.DEFAULT,
            )
            for answer, (label, _) in ANSWERS.items()
        )
        await send_to_member(
            services,
            member.member_id,
            Reply(
                f"Did you meet {others} after this round's introduction?",
                title="Did you meet?",
                buttons=buttons,
            ),
        )
    return f"asked {len(group.members)} people whether they met"


async def record_answer(request: Request, services: Services) -> Reply:
    group_text, _, answer = request.args.partition(":")
    if not (group_text.isdigit() and len(group_text) < 10) or answer not in ANSWERS:
        return Reply(
            "I couldn't read that answer, so nothing changed. Please use the buttons on the "
            "“Did you meet?” message.",
            private=True,
        )
    with services.db.session() as session:
        recorded = store.record_answer(
            session, int(group_text), request.member.id, answer, services.clock.now()
        )
    if not recorded:
        return Reply(
            "That question was for the people in that introduction, so I haven't recorded "
            "anything.",
            private=True,
        )
    return Reply(ANSWERS[answer][1], private=True)
