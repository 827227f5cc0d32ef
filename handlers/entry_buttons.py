"""A button that opens a knowledge-base entry, for every feature that points members at one
(related entries, REMI resources, a suggestion's near-duplicates). The knowledge base
feature answers the click."""

from contract.vocabulary import Button

SHOW_ENTRY = "lookup.show"


def entry_button(entry_id: str, label: str) -> Button:
    return Button(label, action_id=SHOW_ENTRY, value=entry_id)
