"""Events and RSVPs: organisers announce, members answer with one click on any platform,
the scheduler reminds and asks for feedback. One module per part of the story:

- `create`: the form and its checks; the announcement goes out.
- `rsvp`: listing, opening and answering; the waitlist and its promotions.
- `manage`: edit, cancel, message, attendees, CSV export.
- `reminders` and `timing`: reminder rows for the dispatcher, and when they fall.
- `feedback`: the prompt after the event and the organiser's summary.
- `calendar`: a member's private feed, or a calendar file.
- `views` renders, `broadcast` sends, `arguments` reads event numbers.
"""

from contract.specs import Feature
from handlers.events import calendar, create, feedback, manage, reminders, rsvp
from handlers.services import Services

# Reminders and feedback prompts are scheduled when people RSVP, not by a cadence.
FEATURE: Feature[Services] = Feature(
    commands=[
        *rsvp.COMMANDS,
        *create.COMMANDS,
        *manage.COMMANDS,
        *feedback.COMMANDS,
        *calendar.COMMANDS,
    ],
    actions=[*rsvp.ACTIONS, *create.ACTIONS, *manage.ACTIONS, *feedback.ACTIONS],
    jobs=[*reminders.JOBS, *feedback.JOBS],
    home_sections=[rsvp.upcoming_for],
    web_resources=calendar.WEB_RESOURCES,
    on_forget=[rsvp.give_up_seats],
)
