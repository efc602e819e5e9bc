from datetime import date, timedelta

import factory

from ocop.events.domain.people import person_key
from ocop.events.enums import ActivityKind, ActivityLevel, ActivityState, Audience
from ocop.events.models import Activity, HeadCount, Registration
from tests.factories.geo import province


class ActivityFactory(factory.django.DjangoModelFactory):
    """A provincial training class in Thanh Hóa (code 38) by default; pass
    ``province`` (or ``level=COMMUNE`` with ``commune``) for another unit."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"Tập huấn OCOP số {n}")
    kind = ActivityKind.TRAINING
    level = ActivityLevel.PROVINCE
    province = factory.LazyFunction(lambda: province("38"))
    commune = None
    organiser = "Văn phòng Điều phối nông thôn mới tỉnh"
    starts_on = factory.LazyFunction(date.today)
    ends_on = factory.LazyAttribute(lambda a: a.starts_on + timedelta(days=1))
    place = "Hội trường UBND tỉnh"
    target_groups = factory.LazyFunction(lambda: [Audience.SUBJECTS])
    state = ActivityState.OPEN


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    activity = factory.SubFactory(ActivityFactory)
    full_name = factory.Sequence(lambda n: f"Trần Thị {n}")
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    audience = Audience.SUBJECTS
    person_key = factory.LazyAttribute(
        lambda r: person_key(
            user=r.user, phone=r.phone, email=r.email, full_name=r.full_name, subject=r.subject
        )
    )
    user = None
    subject = None
    email = ""
    channel = "officer"


class HeadCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HeadCount

    activity = factory.SubFactory(ActivityFactory)
    audience = Audience.COMMUNE_OFFICIALS
    count = 50
