"""The activity log: every decision is recorded here."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ocop.core.models import ActivityLog


def log_action(
    *,
    action: str,
    by=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    unit=None,
) -> ActivityLog:
    """Record ``action`` (a dotted name such as ``ocop.account.created``).

    ``by`` is the acting user (None for the system), ``obj`` the object acted
    on, ``unit`` the administrative unit the action belongs to (for scoping the
    log), ``data`` anything needed to understand the decision later.
    """
    entry = ActivityLog(
        action=action,
        actor=by if (by is not None and getattr(by, "is_authenticated", False)) else None,
        data=data or {},
        unit=unit,
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    entry.save()
    return entry


def log_many(
    *,
    action: str,
    by=None,
    model: type[models.Model],
    rows: list[tuple[Any, str, Any, dict[str, Any]]],
    batch_size: int = 500,
) -> int:
    """One entry per object in a few queries (an import that touches
    thousands of products). ``rows`` are (pk, text, unit id, data)."""
    content_type = ContentType.objects.get_for_model(model)
    actor = by if (by is not None and getattr(by, "is_authenticated", False)) else None
    entries = [
        ActivityLog(
            action=action,
            actor=actor,
            data=data or {},
            unit_id=unit_id,
            content_type=content_type,
            object_id=str(pk),
            object_repr=str(text)[:300],
        )
        for pk, text, unit_id, data in rows
    ]
    ActivityLog.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)


def history_for(obj: models.Model):
    """The activity log of one object, newest first."""
    return ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


def changed_fields(before: dict[str, Any], obj: models.Model) -> dict[str, list[str]]:
    """{field: [old, new]} for the fields of ``before`` whose value on ``obj`` differs."""
    return {
        field: [str(old), str(getattr(obj, field))]
        for field, old in before.items()
        if old != getattr(obj, field)
    }
