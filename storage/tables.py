"""Every module that declares tables, imported once so Alembic and the tests see them all."""

import storage.due
import storage.models
import storage.slack_events  # noqa: F401
