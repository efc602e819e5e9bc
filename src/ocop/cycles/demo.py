"""Demo data (``manage.py load_demo``): the province's cycle of the current
year with its phases and two evaluation rounds, created only if missing.
Every date is relative to ``ctx.today`` of the first run: the first round's
deadline has passed (its dossiers go before the council, see the evaluation
demo), the second round is open. Reads ``ctx.province``; sets ``ctx.cycle``.

A second run finds the demo cycle by its title (whatever its year), so that
loading the demo again on a later day, even in a later year, changes
nothing."""

from datetime import timedelta

from ocop.accounts.models import User
from ocop.cycles.models import Cycle, EvaluationRound, Phase

CYCLE_OFFICER = "tinh.canbo"
TITLE = "Chu trình OCOP thường niên năm {year} tỉnh Thanh Hóa"
TITLE_START = "Chu trình OCOP thường niên năm "
# (phase, first day, last day) in days from today.
PHASES = [
    ("publicity", -320, -250),
    ("ideas", -300, -220),
    ("plans", -270, -190),
    ("development", -240, -60),
    ("evaluation", -180, 60),
    ("promotion", -150, 90),
]
# (number, title, submission deadline in days from today): one closed, one open.
ROUNDS = [
    (1, "Đợt 1 năm {year}", -60),
    (2, "Đợt 2 năm {year}", 45),
]


def cycle_title(year: int) -> str:
    return TITLE.format(year=year)


def round_title(number: int, year: int) -> str:
    return next(title for n, title, _days in ROUNDS if n == number).format(year=year)


def load(*, ctx) -> None:
    today = ctx.today
    cycle = (
        Cycle.objects.filter(province=ctx.province, title__startswith=TITLE_START).first()
        or Cycle.objects.filter(province=ctx.province, year=today.year).first()
    )
    if cycle is None:
        cycle = Cycle.objects.create(
            province=ctx.province,
            year=today.year,
            title=cycle_title(today.year),
            created_by=User.objects.get(username=CYCLE_OFFICER),
        )
        for kind, first, last in PHASES:
            Phase.objects.create(
                cycle=cycle,
                kind=kind,
                starts_on=today + timedelta(days=first),
                ends_on=today + timedelta(days=last),
            )
        for number, title, days in ROUNDS:
            EvaluationRound.objects.create(
                cycle=cycle,
                number=number,
                title=title.format(year=today.year),
                submission_deadline=today + timedelta(days=days),
            )
    ctx.cycle = cycle
