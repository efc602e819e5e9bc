"""Demo data (``manage.py load_demo``): the province's 2026 cycle with its
phases and two evaluation rounds, created only if missing. Reads
``ctx.province``; sets ``ctx.cycle``."""

from datetime import date

from ocop.accounts.models import User
from ocop.cycles.models import Cycle, EvaluationRound, Phase

CYCLE_OFFICER = "tinh.canbo"
CYCLE = {
    "year": 2026,
    "title": "Chu trình OCOP thường niên năm 2026 tỉnh Thanh Hóa",
    "phases": [
        ("publicity", date(2026, 1, 15), date(2026, 3, 31)),
        ("ideas", date(2026, 2, 1), date(2026, 4, 30)),
        ("plans", date(2026, 3, 1), date(2026, 5, 31)),
        ("development", date(2026, 4, 1), date(2026, 9, 30)),
        ("evaluation", date(2026, 6, 1), date(2026, 12, 20)),
        ("promotion", date(2026, 7, 1), date(2026, 12, 31)),
    ],
    "rounds": [
        (1, "Đợt 1 năm 2026", date(2026, 6, 30)),
        (2, "Đợt 2 năm 2026", date(2026, 11, 30)),
    ],
}


def load(*, ctx) -> None:
    cycle, created = Cycle.objects.get_or_create(
        province=ctx.province,
        year=CYCLE["year"],
        defaults={
            "title": CYCLE["title"],
            "created_by": User.objects.get(username=CYCLE_OFFICER),
        },
    )
    if created:
        for kind, starts_on, ends_on in CYCLE["phases"]:
            Phase.objects.create(cycle=cycle, kind=kind, starts_on=starts_on, ends_on=ends_on)
        for number, title, deadline in CYCLE["rounds"]:
            EvaluationRound.objects.create(
                cycle=cycle, number=number, title=title, submission_deadline=deadline
            )
    ctx.cycle = cycle
