"""Peer introductions: every round, each participant meets someone from another
organisation."""
