"""Participation certificates (giấy chứng nhận tham gia) as PDFs: one A4
landscape page per person who attended (registered and checked in).

The document is Vietnamese whatever the reader's language, like the other
official documents. Its number is our own numbering, not a register kept by
the organiser: "Số: <activity>-<registration>/<year>/GCN-OCOP", which is
unique and never changes when the certificate is printed again.
"""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from ocop.core.pdf import render_pdf

from ..enums import ActivityKind, ActivityLevel, RegistrationState
from ..models import Activity, Registration

TEMPLATE = "events/pdf/certificate.html"
CENTRAL_PLACE = "Hà Nội"

# How the certificate names the activity ("đã tham gia lớp tập huấn “…”").
KIND_VI = {
    ActivityKind.TRAINING: "lớp tập huấn",
    ActivityKind.CONFERENCE: "hội nghị tập huấn",
    ActivityKind.PUBLICITY: "hội nghị tuyên truyền",
    ActivityKind.FAIR: "hội chợ, triển lãm",
    ActivityKind.CONNECTION: "hội nghị kết nối cung cầu",
    ActivityKind.STUDY_TOUR: "chuyến tham quan, học tập kinh nghiệm",
    ActivityKind.OTHER: "hoạt động",
}


def certificate_number(registration: Registration) -> str:
    # Our own numbering (activity, registration, year of the activity's last day).
    activity = registration.activity
    return f"{activity.pk}-{registration.pk}/{activity.ends_on.year}/GCN-OCOP"


def _issuer(activity: Activity) -> tuple[str, str]:
    """The header's parent organ and issuing organ."""
    organiser = activity.organiser.upper()
    if activity.level == ActivityLevel.CENTRAL or activity.province is None:
        return "", organiser
    unit = activity.commune or activity.province
    return f"UBND {unit.full_name.upper()}", organiser


def _place(activity: Activity) -> str:
    return activity.province.name if activity.province is not None else CENTRAL_PLACE


def _item(registration: Registration, activity: Activity, topics: list[str]) -> dict:
    subject = registration.subject
    parent, issuer = _issuer(activity)
    return {
        "registration": registration,
        "number": certificate_number(registration),
        "issuer_parent": parent,
        "issuer": issuer,
        "kind": KIND_VI.get(activity.kind, "hoạt động"),
        "organisation": registration.organisation,
        "subject": subject.name if subject is not None else "",
        "topics": topics,
        "place": _place(activity),
        "date": activity.ends_on,
    }


def _topics(activity: Activity) -> list[str]:
    # The managed list's Vietnamese names (the document is Vietnamese).
    return [t.name for t in activity.topics.all()]


def _render(activity: Activity, registrations: list[Registration]) -> bytes:
    topics = _topics(activity)
    with translation.override("vi"):
        return render_pdf(
            TEMPLATE,
            {
                "activity": activity,
                "items": [_item(r, activity, topics) for r in registrations],
                "title": "Giấy chứng nhận tham gia",
            },
        )


def render_certificate(registration: Registration) -> bytes:
    """The certificate of one person who attended; refused otherwise."""
    registration = Registration.objects.select_related(
        "activity", "activity__province", "activity__commune", "subject"
    ).get(pk=registration.pk)
    if not registration.attended:
        raise ValidationError(
            _(
                "A participation certificate is given only to people who attended (checked in); "
                "%(name)s has not been checked in."
            )
            % {"name": registration.full_name}
        )
    return _render(registration.activity, [registration])


def attendees(activity: Activity):
    return (
        activity.registrations.filter(
            state=RegistrationState.REGISTERED, checked_in_at__isnull=False
        )
        .select_related("subject")
        .order_by("full_name", "pk")
    )


def render_certificates(activity: Activity) -> bytes:
    """The certificates of everyone who attended, one page each."""
    activity = Activity.objects.select_related("province", "commune").get(pk=activity.pk)
    people = list(attendees(activity))
    if not people:
        raise ValidationError(_("No one has been checked in: there are no certificates to print."))
    return _render(activity, people)
