"""The steering group: its roster and plan, find-a-time polls, meetings and their reminders,
the agenda, actions and minutes. Each module tells one part of the story; this one gathers
their specs for the registry."""

from handlers.steering import plan, roster

COMMANDS = [*roster.COMMANDS, *plan.COMMANDS]
ACTIONS: list = []
JOBS: list = []
