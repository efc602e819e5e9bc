"""Taking work one at a time across web processes, inside a transaction.

``serialize_on(key)`` makes concurrent transactions that name the same key run
their critical part one after the other: on PostgreSQL an advisory lock held
until the transaction ends (``pg_advisory_xact_lock``); on SQLite nothing is
needed, since a transaction takes the database's write lock when it begins
(``transaction_mode = IMMEDIATE`` in the settings), which already serialises
every writer."""

import hashlib

from django.db import connection


def lock_id(key: str) -> int:
    """A signed 64-bit number for ``key`` (PostgreSQL's advisory lock ids)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def serialize_on(key: str) -> None:
    """Wait until no other transaction holds ``key``, then hold it until this
    transaction ends. Must be called inside ``transaction.atomic``."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id(key)])
