"""Signals other apps listen to (stamps imports none of them)."""

from django.dispatch import Signal

# Sent when a consumer's scan gets its consented location (``scan=Scan``,
# ``stamp=Stamp``), inside the transaction that saved it. The inspections app
# checks the stamp for clones (scans far apart within a short time).
scan_located = Signal()
