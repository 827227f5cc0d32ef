"""Slack requests already taken, so a second delivery of one is dropped.

Slack re-sends an event (with `X-Slack-Retry-Num`) when it did not see our acknowledgement
in time, possibly to another process behind the load balancer; and a signed request can
be replayed as it was within Slack's five minutes (a slash command, a form submission).
A unique key in the database (an event id, `command:<trigger_id>`, `view:<hash>`), not a
set in memory, decides which delivery is the first.
"""

from datetime import datetime, timedelta

from sqlalchemy import Column
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, delete

from storage.types import UTCDateTime

# Slack gives up retrying an event after about an hour; a day leaves room for clock skew
# between processes while keeping the table small.
KEEP_FOR = timedelta(days=1)


class SlackEvent(SQLModel, table=True):
    __tablename__ = "slack_event"

    event_id: str = Field(primary_key=True, max_length=100)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


def take_event(session: Session, event_id: str, now: datetime) -> bool:
    """True for the first delivery of `event_id`, False for any later one."""
    session.exec(delete(SlackEvent).where(col(SlackEvent.received_at) < now - KEEP_FOR))
    try:
        with session.begin_nested():
            session.add(SlackEvent(event_id=event_id, received_at=now))
    except IntegrityError:
        return False
    return True
