"""The demo works on any date: ``load_demo`` run on two days years apart
gives the same story relative to that day — a session planned for the day
itself, a council set up before it, one closed and one open round, evidence
documents about to expire and expired, certificates valid and expiring soon
— and no date of the demo data sits years away from the day it was loaded
(a fixed date left in a loader shows up as an outlier)."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction

from ocop.certification.domain.rules import rule_on
from ocop.certification.domain.status import live_status
from ocop.certification.models import Certificate
from ocop.cycles.models import Cycle, EvaluationRound
from ocop.evaluation.models import Council, Session
from ocop.producers.models import EvidenceDocument

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = (date(2028, 3, 14), date(2033, 8, 2))
# Model date fields whose values are not "the demo's" (e.g. the legal data
# loaded before the demo, administrative units) are outside the apps below.
DEMO_APPS = (
    "accounts",
    "producers",
    "products",
    "evaluation",
    "cycles",
    "certification",
    "traceability",
    "stamps",
    "events",
    "inspections",
    "portal",
    "trade",
)
REFERENCE_MODELS = {
    "CertificationRule",
    "LegalBasis",
    "RevocationGround",
    "DocumentRule",
    "ProductCategory",
}


def load_on(day: date) -> dict:
    """Load the demo with the clock on ``day`` (10:00 in Vietnam) and read
    back what the story depends on, as offsets in days from ``day``; the
    load is rolled back afterwards."""
    moment = datetime(day.year, day.month, day.day, 10, tzinfo=HANOI)
    with time_machine.travel(moment, tick=False), transaction.atomic():
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        story = read_story(day)
        transaction.set_rollback(True)
    return story


def offset(value: date | None, day: date) -> int | None:
    return None if value is None else (value - day).days


def read_story(day: date) -> dict:
    session = Session.objects.select_related("council").get()
    cycle = Cycle.objects.get()
    rounds = list(EvaluationRound.objects.filter(cycle=cycle).order_by("number"))
    documents = {
        d.doc_type: (offset(d.issued_on, day), offset(d.expires_on, day), d.number)
        for d in EvidenceDocument.objects.all()
    }
    certificates = sorted(
        (c.valid_until, str(live_status(c, today=day)))
        for c in Certificate.objects.filter(source="decision")
    )
    return {
        "session": (session.title, offset(session.date, day), session.state),
        "council": offset(Council.objects.get().decision_date, day),
        "cycle": (cycle.year, cycle.title),
        "phases": sorted(
            (p.kind, offset(p.starts_on, day), offset(p.ends_on, day)) for p in cycle.phases.all()
        ),
        "rounds": [(r.title, offset(r.submission_deadline, day)) for r in rounds],
        "documents": documents,
        "certificates": certificates,
        "far_dates": far_dates(day),
    }


def far_dates(day: date, *, years: int = 12) -> list[str]:
    """Every date of a demo row further than ``years`` from ``day``."""
    far = []
    for model in apps.get_models():
        if model._meta.app_label not in DEMO_APPS or model.__name__ in REFERENCE_MODELS:
            continue
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
        ]
        fields += [f.name for f in model._meta.get_fields() if isinstance(f, models.DateTimeField)]
        for name in fields:
            for value in model.objects.exclude(**{name: None}).values_list(name, flat=True):
                as_date = value.date() if isinstance(value, datetime) else value
                if abs((as_date - day).days) > years * 366:
                    far.append(f"{model.__name__}.{name} = {value}")
    return far


def test_the_demo_loaded_on_two_days_tells_the_same_story_relative_to_each():
    first, second = (load_on(day) for day in DAYS)
    for day, story in zip(DAYS, (first, second), strict=True):
        year = day.year
        # The session is planned for the day of the load, so it opens, closes
        # and its decision is issued on that day.
        assert story["session"] == (f"Phiên đánh giá đợt 1 năm {year}", 0, "planned")
        assert story["council"] < 0
        assert story["cycle"] == (year, f"Chu trình OCOP thường niên năm {year} tỉnh Thanh Hóa")
        # One round closed (its deadline passed), one open.
        (closed, closed_in), (open_, open_in) = story["rounds"]
        assert (closed, open_) == (f"Đợt 1 năm {year}", f"Đợt 2 năm {year}")
        assert closed_in < 0 < open_in
        # The evaluation phase spans the day; every phase is in order.
        phases = {kind: (start, end) for kind, start, end in story["phases"]}
        assert phases["evaluation"][0] < 0 < phases["evaluation"][1]
        assert all(start <= end for start, end in phases.values())
        # The food-safety certificate expires in a few days, the test report has expired,
        # and the documents' numbers carry the year they were issued in.
        issued, expires, number = story["documents"]["food_safety"]
        assert 0 < expires <= 30
        assert number == f"215/{(day + timedelta(days=issued)).year}/ATTP-CNĐK"
        assert story["documents"]["test_report"][1] < 0
        # Certificates: three well within their validity (one of them recognised last
        # month: the newest on the public home page), one in the "expires soon" window.
        window = rule_on(day).expiring_days
        left = [(valid_until - day).days for valid_until, _status in story["certificates"]]
        assert len(left) == 4
        assert sum(1 for d in left if 0 < d <= window) == 1
        assert sum(1 for d in left if d > 300) == 3
        assert story["far_dates"] == [], story["far_dates"]
    # The same offsets on both days: nothing in them depends on the calendar year.
    for key in ("phases", "rounds"):
        assert [row[1:] for row in first[key]] == [row[1:] for row in second[key]]
    assert first["session"][1:] == second["session"][1:]
    assert first["council"] == second["council"]
    assert {k: v[:2] for k, v in first["documents"].items()} == {
        k: v[:2] for k, v in second["documents"].items()
    }
