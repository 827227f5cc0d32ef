"""REMI check-ins: short prompts to equality leads, progress they can see, and an aggregate
picture for the network. Each module is one part of the story:

- organisations.py: admins register organisations, their leads and cadences;
- schedule.py: the prompt at the start of each period, nudges after 3 and 7 days;
- checkin.py: the stage buttons and the short form, resumable, one per organisation;
- status.py: a lead's own history and action points;
- report.py: the network picture as text, chart and CSV, every count published by the one
  disclosure rule (`handlers/network/disclosure.py`);
- privacy.py: who may see an organisation's own answers;
- needs.py, periods.py: what would help, and how periods are named.
"""

from contract.specs import Feature
from handlers.remi import checkin, organisations, report, schedule, status
from handlers.services import Services

FEATURE: Feature[Services] = Feature(
    commands=[
        *checkin.COMMANDS,
        *status.COMMANDS,
        *report.COMMANDS,
        *organisations.COMMANDS,
    ],
    actions=[*checkin.ACTIONS, *status.ACTIONS],
    jobs=schedule.JOBS,
    planners=schedule.PLANNERS,
    exports=report.EXPORTS,
)
