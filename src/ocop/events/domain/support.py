"""Publicity output handed out (materials distributed) and support given to
subjects: recording and removing them.

A distribution belongs to a unit (a commune, a province, or the centre when
both are empty) that the officer manages; a support record belongs to its
subject's unit. Every record and removal is logged with the record's data, so
a removed record can still be read in the activity log.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.geo.enums import Level

from .. import rules
from ..enums import MaterialKind, SupportKind
from ..models import MaterialDistribution, Support
from .queries import activities_visible_to


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _amount(value) -> str | None:
    return None if value is None else str(value)


def _check_activity(activity, by, errors, *, manage: bool) -> None:
    if activity is None:
        return
    if not activities_visible_to(by).filter(pk=activity.pk).exists() or (
        manage and not rules.can_manage(by, activity)
    ):
        errors["activity"] = [_("Choose an activity of your own unit.")]


def _check_date(day, field: str, errors) -> None:
    if day is None:
        errors[field] = [_("Give the date.")]
    elif not isinstance(day, date):
        errors[field] = [_("Give a valid date.")]
    elif day > timezone.localdate():
        errors[field] = [_("The date cannot be in the future.")]


def _check_value(value, errors) -> None:
    if value is not None and Decimal(value) < 0:
        errors["value"] = [_("The value cannot be negative.")]


# Materials distributed ----------------------------------------------------------------


def distribution_data(distribution: MaterialDistribution) -> dict:
    return {
        "kind": distribution.kind,
        "quantity": distribution.quantity,
        "distributed_on": distribution.distributed_on.isoformat(),
        "province": distribution.province_id,
        "commune": distribution.commune_id,
        "place": distribution.place,
        "provider": distribution.provider,
        "value": _amount(distribution.value),
        "activity": distribution.activity_id,
        "note": distribution.note,
    }


@transaction.atomic
def record_distribution(
    *,
    by,
    kind: str,
    quantity: int,
    distributed_on,
    province=None,
    commune=None,
    place: str = "",
    provider: str = "",
    value=None,
    activity=None,
    note: str = "",
) -> MaterialDistribution:
    """Record materials handed out in a unit (the commune's province is taken
    from the commune; no unit at all means the centre)."""
    errors: dict[str, list[str]] = {}
    if commune is not None:
        if commune.level != Level.COMMUNE or not commune.is_current:
            errors["commune"] = [_("Choose a commune or ward (as of 1 July 2025).")]
        else:
            province = commune.province
    if province is not None and (province.level != Level.PROVINCE or not province.is_current):
        errors["province"] = [_("Choose a province (as of 1 July 2025).")]
    if errors:
        raise ValidationError(errors)
    unit = commune or province
    if not rules.can_manage_unit(by, unit):
        raise PermissionDenied(_("You may only record materials distributed in your own unit."))
    if kind not in MaterialKind.values:
        errors["kind"] = [_("Choose the kind of material.")]
    if quantity is None or int(quantity) < 1:
        errors["quantity"] = [_("The quantity must be at least 1.")]
    _check_date(distributed_on, "distributed_on", errors)
    _check_value(value, errors)
    _check_activity(activity, by, errors, manage=True)
    if errors:
        raise ValidationError(errors)
    distribution = MaterialDistribution.objects.create(
        kind=kind,
        quantity=int(quantity),
        distributed_on=distributed_on,
        province=province,
        commune=commune,
        place=_text(place)[:300],
        provider=_text(provider)[:300],
        value=value,
        activity=activity,
        note=(note or "").strip(),
        created_by=by,
    )
    log_action(
        action="ocop.distribution.recorded",
        by=by,
        obj=distribution,
        unit=unit,
        data=distribution_data(distribution),
    )
    return distribution


@transaction.atomic
def remove_distribution(*, distribution: MaterialDistribution, by) -> None:
    distribution = MaterialDistribution.objects.select_for_update().get(pk=distribution.pk)
    unit = distribution.commune or distribution.province
    if not rules.can_manage_unit(by, unit):
        raise PermissionDenied(_("You may only remove records of your own unit."))
    log_action(
        action="ocop.distribution.removed",
        by=by,
        obj=distribution,
        unit=unit,
        data={"id": distribution.pk, **distribution_data(distribution)},
    )
    distribution.delete()


# Support to subjects -------------------------------------------------------------------


def support_data(support: Support) -> dict:
    return {
        "subject": support.subject_id,
        "kind": support.kind,
        "given_on": support.given_on.isoformat(),
        "provider": support.provider,
        "value": _amount(support.value),
        "product": support.product_id,
        "activity": support.activity_id,
        "note": support.note,
    }


@transaction.atomic
def record_support(
    *,
    by,
    subject,
    kind: str,
    given_on,
    provider: str,
    value=None,
    product=None,
    activity=None,
    note: str = "",
) -> Support:
    """Record support given to one subject (by an officer of its unit)."""
    if not rules.can_record_support(by, subject):
        raise PermissionDenied(_("You may only record support to subjects of your own unit."))
    errors: dict[str, list[str]] = {}
    if kind not in SupportKind.values:
        errors["kind"] = [_("Choose the kind of support.")]
    _check_date(given_on, "given_on", errors)
    provider = _text(provider)
    if not provider:
        errors["provider"] = [_("Say who provided the support.")]
    _check_value(value, errors)
    if product is not None and product.subject_id != subject.pk:
        errors["product"] = [
            _("“%(product)s” is not a product of %(subject)s.")
            % {"product": product.name, "subject": subject.name}
        ]
    _check_activity(activity, by, errors, manage=False)
    if errors:
        raise ValidationError(errors)
    support = Support.objects.create(
        subject=subject,
        product=product,
        kind=kind,
        given_on=given_on,
        provider=provider[:300],
        value=value,
        activity=activity,
        note=(note or "").strip(),
        created_by=by,
    )
    log_action(
        action="ocop.support.recorded",
        by=by,
        obj=support,
        unit=subject.commune,
        data=support_data(support),
    )
    return support


@transaction.atomic
def remove_support(*, support: Support, by) -> None:
    support = (
        Support.objects.select_for_update(of=("self",))
        .select_related("subject", "subject__commune")
        .get(pk=support.pk)
    )
    if not rules.can_record_support(by, support.subject):
        raise PermissionDenied(_("You may only remove records of your own unit."))
    log_action(
        action="ocop.support.removed",
        by=by,
        obj=support,
        unit=support.subject.commune,
        data={"id": support.pk, **support_data(support)},
    )
    support.delete()
