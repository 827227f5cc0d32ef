"""A knowledge base that stays true. Each module is one part of the story:

- suggest.py: members suggest resources; duplicates are pointed out first;
- review.py: curators approve, edit or reject them; `kb queue`;
- curate.py: curators edit or retire a live entry (`kb edit`, `kb retire`);
- stale.py: every entry's review date and owner, weekly reminders, `kb stale`;
- feedback.py: "Helpful" / "Not what I needed" under answers, and `kb gaps`;
- digest.py: the weekly digest and its schedule;
- library.py: the index every process serves: files, approved suggestions and chat
  changes, rebuilt when another process changed them;
- export.py: approved suggestions written out as content files;
- suggestion.py, weeks.py: what a suggestion is made of, and how weeks are counted.
"""

from contract.specs import Feature
from handlers.kb import curate, digest, export, feedback, library, review, stale, suggest
from handlers.services import Services

FEATURE: Feature[Services] = Feature(
    commands=[
        *suggest.COMMANDS,
        *review.COMMANDS,
        *curate.COMMANDS,
        *stale.COMMANDS,
        *feedback.COMMANDS,
        *digest.COMMANDS,
    ],
    actions=[
        *suggest.ACTIONS,
        *review.ACTIONS,
        *curate.ACTIONS,
        *stale.ACTIONS,
        *feedback.ACTIONS,
    ],
    jobs=[*stale.JOBS, *digest.JOBS],
    planners=[*stale.PLANNERS, *digest.PLANNERS],
    # Suggestions approved in chat are served from the database beside the files.
    on_start=[library.serve_current],
    # What another process approved, edited or retired.
    before_each=[library.keep_current],
    exports=export.EXPORTS,
    web_forms=suggest.WEB_FORMS,
)
