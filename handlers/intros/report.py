"""`intros report` (admins): per round, how many took part, how many introductions were made,
and what share met, crossed sectors and crossed organisations. Organisations and sectors
are as they were at the round."""

from collections.abc import Callable

from contract.specs import Request
from contract.vocabulary import Reply
from handlers.services import Services
from storage import intros as store
from storage.intros import GroupView

ROUNDS_SHOWN = 12


async def report(request: Request, services: Services) -> Reply:
    with services.db.session() as session:
        rounds = store.rounds_with_groups(session, ROUNDS_SHOWN)
    if not rounds:
        return Reply("No rounds yet: the first is made when its time comes.", private=True)
    lines = [f"Peer introductions, the latest {len(rounds)} round(s):"]
    for round_row, groups in rounds:
        day = round_row.scheduled_for.astimezone(services.timezone)
        trios = sum(1 for g in groups if len(g.members) > 2)
        made = f"{len(groups)} introduction{'' if len(groups) == 1 else 's'}"
        if trios:
            made += f" (including {trios} {'trio' if trios == 1 else 'trios'})"
        lines.append(
            f"• {day:%a %-d %b %Y}: {round_row.participants} participants, {made}; "
            f"met {_share(groups, lambda g: g.met == 'yes')}, "
            f"cross-sector {_share(groups, lambda g: _differ(g, 'sector'))}, "
            f"cross-organisation {_share(groups, lambda g: _differ(g, 'organisation'))}"
        )
    return Reply("\n".join(lines), title="Peer introductions report", private=True)


def _differ(group: GroupView, attribute: str) -> bool:
    values = {getattr(m, attribute).casefold() for m in group.members}
    return len(values) > 1


def _share(groups: list[GroupView], test: Callable[[GroupView], bool]) -> str:
    if not groups:
        return "–"
    return f"{sum(1 for g in groups if test(g)) / len(groups):.0%}"
