"""The steering group: its roster and plan, find-a-time polls, meetings and their reminders,
the agenda, actions and minutes. Each module tells one part of the story; this one gathers
their specs for the registry."""

from handlers.steering import actions, agenda, meetings, minutes, plan, poll, roster

COMMANDS = [
    *roster.COMMANDS,
    *plan.COMMANDS,
    *poll.COMMANDS,
    *meetings.COMMANDS,
    *agenda.COMMANDS,
    *actions.COMMANDS,
    *minutes.COMMANDS,
]
ACTIONS = [*poll.ACTIONS, *meetings.ACTIONS]
JOBS = [*poll.JOBS, *meetings.JOBS, *agenda.JOBS, *actions.JOBS]
# Meetings are set by the chair, not by a cadence, so nothing needs planning ahead.
PLANNERS: list = []
