"""`forget me`: afterwards no table holds the member's id, names or words.

Most of it goes with the member row through the foreign keys (ON DELETE CASCADE or SET
NULL). What the keys cannot reach is taken here: scheduled work addressed to them (their
id is in its key and payload), forms kept for them half-filled, the questions they
typed, mentions of them in the steering group's record, and their place in past
introductions and events already held, which a stand-in takes so that partners read "a
former member" and each round's and each event's figures (attendance, feedback scores)
stay as they were. Member ids are never handed out again (AUTOINCREMENT on SQLite, a
sequence on PostgreSQL), so nothing kept elsewhere can come to point at someone new.
"""

from datetime import datetime

from sqlmodel import Session

from contract.vocabulary import mention, said
from storage import button_payloads, due, events, intros, kb, members, steering


def forget_member(session: Session, member_id: int, now: datetime) -> None:
    accounts = members.reachable_accounts(session, member_id)
    # Member text keeps a mention as plain "@id" (contract.said); the bot's own as markup.
    mentions = [
        form
        for platform, user_id in accounts
        for form in (mention(platform, user_id), said(mention(platform, user_id)))
    ]
    due.drop_for_member(session, member_id)
    button_payloads.drop_for_users(session, [user_id for _, user_id in accounts])
    kb.forget_asker(session, member_id)
    steering.replace_mentions(session, mentions, members.FORMER_MEMBER)
    introduced = intros.was_introduced(session, member_id)
    attended = events.took_part(session, member_id, now)
    if introduced or attended:
        stand_in = members.add_stand_in(session, now)
        intros.hand_history_to(session, member_id, stand_in)
        events.hand_history_to(session, member_id, stand_in, now)
    members.remove(session, member_id)
