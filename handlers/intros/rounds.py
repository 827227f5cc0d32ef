"""A round, when its due row fires: who is available, the matching, and the groups written
in one transaction with a due row per group for its introduction and its follow-up.

Safe to run twice: the round's key is unique, so a second run (the scheduler firing twice,
or a restart after the round was written) finds it made and does nothing; the per-group
due rows are what a restart picks up to finish sending introductions.

A round the dispatcher reaches only after the next round's time is not made: its
introductions would ask people to meet "before the next round", which has passed, and the
next round introduces them instead (`handlers/timeliness.py`). Introductions and
"Did you meet?" follow the same rule.
"""

import random

from contract.specs import DueJob
from handlers.intros import cadence
from handlers.intros.matching import Participant, Past, pair_key, plan_round
from handlers.services import Services
from handlers.timeliness import superseded
from storage import due
from storage import intros as store
from storage.intros import IntroParticipant

INTRODUCE_JOB = "intros.introduce"
FOLLOW_UP_JOB = "intros.follow_up"
# Nobody meets someone they met in this many recent rounds while anyone else is free.
RECENT_ROUNDS = 6


async def run_round(job: DueJob, services: Services) -> str | None:
    key = job.payload["round"]
    at = job.due_at
    if superseded([cadence.next_round(services, at)], services.clock.now()):
        return None
    with services.db.session() as session:
        if store.round_exists(session, key):
            return None
        available = store.available_at(session, at)
        past = _past(store.past_rounds(session, before=at), store.exclusions(session))
    if len(available) < 2:
        return None
    groups = plan_round([_participant(p) for p in available], past, random.Random(key))
    follow_up_at = at + (cadence.next_round(services, at) - at) / 2
    with services.db.session() as session:
        group_ids = store.create_round(session, key, at, available, groups, services.clock.now())
        if group_ids is None:
            return None
        for group_id in group_ids:
            payload = {"group": group_id}
            due.schedule(session, f"intros:intro:{key}:{group_id}", INTRODUCE_JOB, at, payload)
            due.schedule(
                session, f"intros:follow-up:{key}:{group_id}", FOLLOW_UP_JOB, follow_up_at, payload
            )
    return f"round {key}: {len(groups)} group(s) for {len(available)} participants"


def _participant(row: IntroParticipant) -> Participant:
    return Participant(row.member_id, row.organisation, row.sector, frozenset(row.topics))


def _past(rounds: list[list[list[int]]], exclusions: list[tuple[int, int]]) -> Past:
    rounds_ago: dict[tuple[int, int], int] = {}
    # Oldest first, so a pair that met more than once keeps its most recent meeting.
    for ago, groups in reversed(list(enumerate(rounds, start=1))):
        for members in groups:
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    rounds_ago[pair_key(a, b)] = ago
    return Past(rounds_ago, {pair_key(a, b) for a, b in exclusions}, RECENT_ROUNDS)
