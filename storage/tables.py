"""Every module that declares tables, imported once so Alembic and the tests see them all."""

import storage.due
import storage.events
import storage.models  # noqa: F401
