"""Every module that declares tables, imported once so Alembic and the tests see them all."""

import storage.button_payloads
import storage.due
import storage.events
import storage.intros
import storage.kb
import storage.links
import storage.models
import storage.remi
import storage.slack_events
import storage.slack_inbox
import storage.steering
import storage.web_login  # noqa: F401
