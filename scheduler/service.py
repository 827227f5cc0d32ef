"""APScheduler runs the tick; the database remembers what is due (see `storage/due.py`)."""

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.dispatcher import Dispatcher

DISPATCH_EVERY_SECONDS = 30


def build_scheduler(dispatcher: Dispatcher) -> AsyncIOScheduler:
    """A scheduler whose one job is the dispatcher pass. A pass that overruns is not
    started twice, and passes missed while the process was down collapse into one."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        dispatcher.run_once,
        IntervalTrigger(seconds=DISPATCH_EVERY_SECONDS),
        id="dispatch-due-work",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
    )
    return scheduler
