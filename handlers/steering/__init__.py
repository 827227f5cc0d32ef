"""The steering group: its roster and plan, find-a-time polls, meetings and their reminders,
the agenda, actions and minutes. Each module tells one part of the story; this one gathers
their specs for the registry."""

from contract.specs import Feature
from handlers.services import Services
from handlers.steering import actions, agenda, meetings, minutes, plan, poll, roster

# Meetings are set by the chair, not by a cadence, so nothing needs planning ahead.
FEATURE: Feature[Services] = Feature(
    commands=[
        *roster.COMMANDS,
        *plan.COMMANDS,
        *poll.COMMANDS,
        *meetings.COMMANDS,
        *agenda.COMMANDS,
        *actions.COMMANDS,
        *minutes.COMMANDS,
    ],
    actions=[*poll.ACTIONS, *meetings.ACTIONS, *agenda.ACTIONS],
    jobs=[*poll.JOBS, *meetings.JOBS, *agenda.JOBS, *actions.JOBS],
)
