"""Registrations: a person registers online, or an officer registers them;
either may cancel before check-in; at the event the officer checks people in
by scanning the QR code of their registration or by ticking the list.

One person registers once for an activity: the same account, the same phone
number (0912 345 678 = +84 912 345 678), the same e-mail or the same
``person_key`` is refused politely, naming who is already registered and
since when. The activity row is locked while a registration is checked and
written, so two people taking the last place at the same moment cannot both
have it; the constraint ``events_one_registration_per_person`` is the last
guard against a duplicate.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format, time_format
from django.utils.translation import gettext as _

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify

from .. import rules
from ..enums import ActivityState, Audience, RegistrationChannel, RegistrationState
from ..models import TOKEN_LENGTH, Activity, Registration
from .people import normalise_phone, person_key

# Who the person is, for their participant group when they register online.
ROLE_AUDIENCE = (
    (Role.PRODUCER, Audience.SUBJECTS),
    (Role.CONSULTANT, Audience.CONSULTANTS),
    (Role.COMMUNE_OFFICER, Audience.COMMUNE_OFFICIALS),
    (Role.PROVINCE_OFFICER, Audience.PROVINCE_OFFICIALS),
    (Role.PROVINCE_ADMIN, Audience.PROVINCE_OFFICIALS),
    (Role.ADVISORY_TEAM, Audience.ADVISORY),
    (Role.COUNCIL_MEMBER, Audience.ADVISORY),
)
OWN_SUBJECT_ROLES = (Role.PRODUCER, Role.CONSULTANT)
PHONE_DIGITS = (9, 11)  # 0912345678 (10), landlines 02x (11), short forms (9)


# Reading who someone is ----------------------------------------------------------------


def default_audience(user) -> str:
    roles = scope_for(user).roles
    for role, audience in ROLE_AUDIENCE:
        if role in roles:
            return audience
    return Audience.OTHER


def own_subjects(user):
    """The subjects a producer (or consultant) registers on behalf of."""
    from ocop.producers.models import Subject  # noqa: PLC0415 -- leaf

    ids = scope_for(user).subject_ids(OWN_SUBJECT_ROLES)
    return Subject.objects.filter(pk__in=sorted(ids)).order_by("name")


def online_defaults(user) -> dict:
    """What the online registration form shows at first (editable)."""
    subjects = list(own_subjects(user)[:2])
    subject = subjects[0] if len(subjects) == 1 else None
    organisation = subject.name if subject is not None else ""
    return {
        "full_name": user.full_name or "",
        "phone": user.phone or "",
        "email": user.email or "",
        "organisation": organisation,
        "audience": default_audience(user),
        "subject": subject,
    }


def subject_visible(user, subject) -> bool:
    from ocop.producers.domain.queries import subjects_visible_to  # noqa: PLC0415 -- leaf

    return subjects_visible_to(user).filter(pk=subject.pk).exists()


# Registering ---------------------------------------------------------------------------


def _clean_person(*, full_name, phone, email, organisation, audience) -> dict:
    errors: dict[str, list[str]] = {}
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors["full_name"] = [_("Give the participant's full name.")]
    phone = (phone or "").strip()
    digits = normalise_phone(phone)
    if phone and not PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
        errors["phone"] = [_("“%(phone)s” is not a phone number.") % {"phone": phone}]
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("“%(email)s” is not an e-mail address.") % {"email": email}]
    if audience not in Audience.values:
        errors["audience"] = [_("Choose the participant group.")]
    if errors:
        raise ValidationError(errors)
    return {
        "full_name": full_name[:150],
        "phone": phone[:30],
        "email": email,
        "organisation": " ".join((organisation or "").split())[:300],
        "audience": audience,
    }


def duplicate_message(existing: Registration) -> str:
    return _(
        "%(name)s has already registered for this activity (on %(date)s). That "
        "registration is kept: there is no need to register again."
    ) % {
        "name": existing.full_name,
        "date": date_format(timezone.localtime(existing.created_at), "SHORT_DATE_FORMAT"),
    }


def full_message(activity: Activity) -> str:
    return _("This activity is full: all %(n)s places are taken.") % {
        "n": number_format(activity.capacity, force_grouping=True)
    }


def find_duplicate(activity: Activity, *, key: str, user=None, phone="", email=""):
    """The registration (still standing) of the same person, if any."""
    phone = normalise_phone(phone)
    email = (email or "").strip().casefold()
    rows = activity.registrations.filter(state=RegistrationState.REGISTERED).order_by("pk")
    for row in rows.only("pk", "full_name", "created_at", "person_key", "user", "phone", "email"):
        if (
            row.person_key == key
            or (user is not None and row.user_id == user.pk)
            or (phone and normalise_phone(row.phone) == phone)
            or (email and row.email.strip().casefold() == email)
        ):
            return row
    return None


def account_for(*, email: str):
    """The account of a person an officer registers, when exactly one active
    account has that e-mail address: they are then told of the registration,
    find it under "My registrations" and download their certificate."""
    if not email:
        return None
    from ocop.accounts.models import User  # noqa: PLC0415 -- leaf

    accounts = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    return accounts[0] if len(accounts) == 1 else None


def why_not_online(activity: Activity, today, *, count_places: bool = True) -> str:
    """Why no one can register online for the activity now ("" when they can)."""
    if activity.state == ActivityState.CANCELLED:
        return _("This activity has been cancelled: no one can register for it.")
    if not activity.is_public:
        return _("This activity is not open to online registration; ask its organiser.")
    if activity.ends_on < today:
        return _("This activity is over: registration is closed.")
    if activity.state != ActivityState.OPEN:
        return _("Registration for this activity is not open.")
    if count_places and activity.capacity is not None:
        taken = activity.registrations.filter(state=RegistrationState.REGISTERED).count()
        if taken >= activity.capacity:
            return full_message(activity)
    return ""


@transaction.atomic
def register(
    *,
    activity: Activity,
    by,
    full_name: str,
    phone: str = "",
    email: str = "",
    organisation: str = "",
    audience: str,
    subject=None,
    user=None,
    channel: str,
) -> Registration:
    """Register one person, or refuse with a specific reason."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.state == ActivityState.CANCELLED:
        raise ValidationError(_("This activity has been cancelled: no one can register for it."))
    if channel == RegistrationChannel.ONLINE:
        if by is None or not by.is_authenticated:
            raise PermissionDenied(_("Log in to register."))
        why_not = why_not_online(activity, timezone.localdate(), count_places=False)
        if why_not:
            raise ValidationError(why_not)
        user = by
        if subject is not None and subject.pk not in scope_for(by).subject_ids(OWN_SUBJECT_ROLES):
            raise ValidationError({"subject": [_("You may register only for your own subject.")]})
    elif channel in (RegistrationChannel.OFFICER, RegistrationChannel.IMPORT):
        if not rules.can_manage(by, activity):
            raise PermissionDenied(_("You may register people only for activities of your unit."))
        if subject is not None and not subject_visible(by, subject):
            raise ValidationError({"subject": [_("This subject is not in your area.")]})
    else:
        raise ValidationError(_("Unknown registration channel."))
    person = _clean_person(
        full_name=full_name, phone=phone, email=email, organisation=organisation, audience=audience
    )
    if user is None and channel != RegistrationChannel.ONLINE:
        user = account_for(email=person["email"])
    key = person_key(
        user=user,
        phone=person["phone"],
        email=person["email"],
        full_name=person["full_name"],
        subject=subject,
    )
    existing = find_duplicate(
        activity, key=key, user=user, phone=person["phone"], email=person["email"]
    )
    if existing is not None:
        raise ValidationError(duplicate_message(existing), code="duplicate")
    if activity.capacity is not None:
        taken = activity.registrations.filter(state=RegistrationState.REGISTERED).count()
        if taken >= activity.capacity:
            raise ValidationError(full_message(activity), code="full")
    registration = Registration(
        activity=activity,
        subject=subject,
        user=user,
        person_key=key,
        channel=channel,
        registered_by=by,
        **person,
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        # Someone registered the same person a moment ago (the constraint
        # events_one_registration_per_person): the same polite refusal.
        existing = activity.registrations.filter(
            state=RegistrationState.REGISTERED, person_key=key
        ).first()
        if existing is None:
            raise
        raise ValidationError(duplicate_message(existing), code="duplicate") from None
    log_action(
        action="ocop.registration.created",
        by=by,
        obj=registration,
        unit=activity.unit,
        data={
            "activity": activity.pk,
            "channel": channel,
            "audience": registration.audience,
            "subject": registration.subject_id,
        },
    )
    if user is not None:
        notify(
            users=[user],
            text=_(
                "You are registered for “%(title)s” (%(date)s, %(place)s). Show the QR code of "
                "your registration when you arrive."
            )
            % {
                "title": activity.title,
                "date": starts_text(activity),
                "place": activity.place,
            },
            url=reverse("events:registration", args=[registration.token]),
        )
    return registration


def register_online(
    *,
    activity: Activity,
    by,
    full_name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    organisation: str | None = None,
    audience: str | None = None,
    subject=None,
) -> Registration:
    """A signed-in person registers themselves for a public activity open for
    registration; what they leave out is taken from their account."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Log in to register."))
    defaults = online_defaults(by)
    if subject is None:
        subject = defaults["subject"]
        if (
            subject is None
            and Role.PRODUCER in scope_for(by).roles
            and scope_for(by).subject_ids((Role.PRODUCER,))
        ):
            raise ValidationError({"subject": [_("Choose the subject you come for.")]})
    return register(
        activity=activity,
        by=by,
        full_name=defaults["full_name"] if full_name is None else full_name,
        phone=defaults["phone"] if phone is None else phone,
        email=defaults["email"] if email is None else email,
        organisation=defaults["organisation"] if organisation is None else organisation,
        audience=audience or defaults["audience"],
        subject=subject,
        user=by,
        channel=RegistrationChannel.ONLINE,
    )


# Cancelling ----------------------------------------------------------------------------


def can_cancel(user, registration: Registration) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if registration.state != RegistrationState.REGISTERED or registration.checked_in_at:
        return False
    if registration.user_id == user.pk:
        return True
    if registration.subject_id and registration.subject_id in scope_for(user).subject_ids(
        (Role.PRODUCER,)
    ):
        return True
    return rules.can_manage(user, registration.activity)


@transaction.atomic
def cancel_registration(*, registration: Registration, by) -> Registration:
    """The person (or their subject's producer) or a manager cancels a
    registration before check-in; the place is freed."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity", "activity__province", "activity__commune", "user")
        .get(pk=registration.pk)
    )
    is_own = registration.user_id is not None and registration.user_id == getattr(by, "pk", None)
    is_producer = bool(registration.subject_id) and registration.subject_id in scope_for(
        by
    ).subject_ids((Role.PRODUCER,))
    if not (is_own or is_producer or rules.can_manage(by, registration.activity)):
        raise PermissionDenied(_("You may not cancel this registration."))
    if registration.state == RegistrationState.CANCELLED:
        raise ValidationError(_("This registration has already been cancelled."))
    if registration.checked_in_at is not None:
        raise ValidationError(
            _("%(name)s has already been checked in: the registration can no longer be cancelled.")
            % {"name": registration.full_name}
        )
    registration.state = RegistrationState.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["state", "cancelled_at"])
    activity = registration.activity
    log_action(
        action="ocop.registration.cancelled",
        by=by,
        obj=registration,
        unit=activity.unit,
        data={"activity": activity.pk},
    )
    if registration.user is not None and registration.user_id != by.pk:
        notify(
            users=[registration.user],
            text=_("Your registration for “%(title)s” (%(date)s) has been cancelled by %(by)s.")
            % {
                "title": activity.title,
                "date": date_format(activity.starts_on, "SHORT_DATE_FORMAT"),
                "by": by,
            },
            url=reverse("events:registration", args=[registration.token]),
        )
    return registration


# Check-in ------------------------------------------------------------------------------

_CODE = re.compile(rf"^[A-Z0-9]{{{TOKEN_LENGTH}}}$")
_SEPARATORS = re.compile(r"[\s\-]+")


def token_from_code(code: str) -> str:
    """The registration token in what was scanned or typed: the whole URL of
    the QR code (…/events/check-in/<token>/, with or without the host) or the
    token itself, in any case, with spaces or dashes between its groups."""
    text = (code or "").strip()
    if "/" in text:
        parts = [p for p in text.split("?")[0].split("#")[0].split("/") if p.strip()]
        text = parts[-1] if parts else ""
    return _SEPARATORS.sub("", text).upper()


def find_for_check_in(*, activity: Activity, code: str) -> Registration:
    token = token_from_code(code)
    if not _CODE.match(token):
        raise ValidationError(
            _("“%(code)s” is not a registration code. Scan the QR code or type the %(n)s letters.")
            % {"code": (code or "").strip()[:80], "n": TOKEN_LENGTH},
            code="not_a_code",
        )
    registration = (
        Registration.objects.select_related("activity", "checked_in_by", "subject")
        .filter(token=token)
        .first()
    )
    if registration is None:
        raise ValidationError(
            _("No registration has the code %(code)s.") % {"code": token}, code="unknown"
        )
    if registration.activity_id != activity.pk:
        raise ValidationError(
            _("This code is %(name)s's registration for another activity: “%(title)s” (%(date)s).")
            % {
                "name": registration.full_name,
                "title": registration.activity.title,
                "date": date_format(registration.activity.starts_on, "SHORT_DATE_FORMAT"),
            },
            code="other_activity",
        )
    return registration


def already_checked_in_message(registration: Registration) -> str:
    return _("%(name)s was already checked in at %(time)s by %(by)s.") % {
        "name": registration.full_name,
        "time": timezone.localtime(registration.checked_in_at).strftime("%H:%M"),
        "by": registration.checked_in_by or "—",
    }


@transaction.atomic
def check_in(*, registration: Registration, by, method: str) -> tuple[Registration, bool]:
    """Record that the person came. A second check-in changes nothing and
    returns ``first_time=False``."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity", "activity__province", "activity__commune", "checked_in_by")
        .get(pk=registration.pk)
    )
    activity = registration.activity
    if not rules.can_manage(by, activity):
        raise PermissionDenied(_("You may check people in only at activities of your unit."))
    if registration.state == RegistrationState.CANCELLED:
        raise ValidationError(
            _("The registration of %(name)s was cancelled: it cannot be checked in.")
            % {"name": registration.full_name}
        )
    if activity.state == ActivityState.CANCELLED:
        raise ValidationError(_("This activity has been cancelled: no one can be checked in."))
    if timezone.localdate() < activity.starts_on:
        raise ValidationError(
            _("Check-in opens on the first day of the activity (%(date)s).")
            % {"date": date_format(activity.starts_on, "SHORT_DATE_FORMAT")}
        )
    if registration.checked_in_at is not None:
        return registration, False
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = by
    registration.check_in_method = method
    registration.save(update_fields=["checked_in_at", "checked_in_by", "check_in_method"])
    log_action(
        action="ocop.registration.checked_in",
        by=by,
        obj=registration,
        unit=activity.unit,
        data={"activity": activity.pk, "method": method},
    )
    return registration, True


def starts_text(activity) -> str:
    """When the activity begins, for people: "08:00 15/12/2026" (the date
    alone when no start time is recorded)."""
    day = date_format(activity.starts_on, "SHORT_DATE_FORMAT")
    if activity.start_time is None:
        return day
    return f"{time_format(activity.start_time, 'H:i')} {day}"
