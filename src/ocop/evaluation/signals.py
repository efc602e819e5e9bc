"""Signals other apps listen to (evaluation imports none of them)."""

from django.dispatch import Signal

# Sent when an agenda item gets its result (``item=AgendaItem``), inside the
# transaction that computed it. The cycles app moves the dossier on.
result_decided = Signal()

# Sent when the chair withdraws an agenda item from a session (``item=``):
# the cycles app sends its dossier back to be scheduled again.
item_withdrawn = Signal()
