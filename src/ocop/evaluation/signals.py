"""Signals other apps listen to (evaluation imports none of them)."""

from django.dispatch import Signal

# Sent when an agenda item gets its result (``item=AgendaItem``), inside the
# transaction that computed it. The cycles app moves the dossier on.
result_decided = Signal()
