"""`intros report` (admins): per round, how many took part, how many introductions were made,
what share met, and, counting every pair within a group (a trio is three pairs), what share
crossed sectors and organisations and how many pairs had already met in the rounds the
matcher keeps apart. Organisations and sectors are as they were at the round."""

import itertools

from contract.specs import Request
from contract.vocabulary import Reply
from handlers.intros.matching import Pair, pair_key
from handlers.intros.rounds import RECENT_ROUNDS
from handlers.network.introductions import crosses, met, pairs, percent, share
from handlers.services import Services
from storage import intros as store

ROUNDS_SHOWN = 12


async def report(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        rounds = [
            (round_row, groups, _recent_pairs(store.past_rounds(session, round_row.scheduled_for)))
            for round_row, groups in store.rounds_with_groups(session, ROUNDS_SHOWN)
        ]
    if not rounds:
        return Reply("No rounds yet: the first is made when its time comes.", private=True)
    lines = [f"Peer introductions, the latest {len(rounds)} round(s):"]
    for round_row, groups, met_recently in rounds:
        day = round_row.scheduled_for.astimezone(services.timezone)
        trios = sum(1 for g in groups if len(g.members) > 2)
        made = f"{len(groups)} introduction{'' if len(groups) == 1 else 's'}"
        if trios:
            made += f" (including {trios} {'trio' if trios == 1 else 'trios'})"
        paired = pairs(groups)
        repeats = sum(1 for a, b in paired if pair_key(a.member_id, b.member_id) in met_recently)
        lines.append(
            f"• {day:%a %-d %b %Y}: {round_row.participants} participants, {made}; "
            f"met {percent(share(groups, met))}; "
            f"of {len(paired)} pair{'' if len(paired) == 1 else 's'}: "
            f"cross-sector {percent(share(paired, lambda p: crosses(p, 'sector')))}, "
            f"cross-organisation {percent(share(paired, lambda p: crosses(p, 'organisation')))}, "
            f"{repeats} met in the {RECENT_ROUNDS} rounds before"
        )
    return Reply("\n".join(lines), title="Peer introductions report", private=True)


def _recent_pairs(earlier_rounds: list[list[list[int]]]) -> set[Pair]:
    return {
        pair_key(a, b)
        for groups in earlier_rounds[:RECENT_ROUNDS]
        for members in groups
        for a, b in itertools.combinations(members, 2)
    }
