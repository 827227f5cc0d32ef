"""Relational storage: tables, sessions, migrations and the named functions features use."""
