"""A knowledge base that stays true. Each module is one part of the story:

- suggest.py: members suggest resources; duplicates are pointed out first;
- review.py: curators approve, edit or reject them; `kb queue`;
- stale.py: every entry's review date and owner, weekly reminders, `kb stale`;
- feedback.py: "Helpful" / "Not what I needed" under answers, and `kb gaps`;
- digest.py: the weekly digest and its schedule;
- library.py: approved suggestions in the search index, at once and at every start;
- export.py: approved suggestions written out as content files;
- suggestion.py, weeks.py: what a suggestion is made of, and how weeks are counted.
"""

from handlers.kb import digest, feedback, review, stale, suggest

COMMANDS = [
    *suggest.COMMANDS,
    *review.COMMANDS,
    *stale.COMMANDS,
    *feedback.COMMANDS,
    *digest.COMMANDS,
]
ACTIONS = [*suggest.ACTIONS, *review.ACTIONS, *stale.ACTIONS, *feedback.ACTIONS]
JOBS = [*stale.JOBS, *digest.JOBS]
PLANNERS = [*stale.PLANNERS, *digest.PLANNERS]
