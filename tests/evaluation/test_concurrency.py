"""Members acting at the same moment, on PostgreSQL (real row locks).

The tests are transactional: each thread has its own connection and sees only
what the others committed. Transactional tests flush the database afterwards,
so the reference data (units, product sets, criteria sheets) is loaded here
when an earlier transactional test has flushed it away.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.criteria.models import Sheet
from ocop.evaluation.domain import scoring
from ocop.evaluation.enums import SheetStatus
from ocop.evaluation.models import AgendaItem, Attendance, CriterionScore, RoundResult, Scoresheet
from ocop.geo.models import AdminUnit
from ocop.products.models import ProductCategory
from tests.concurrency import POSTGRESQL_ONLY, run_together
from tests.factories.accounts import user_with_role
from tests.factories.evaluation import (
    council_with_members,
    fill,
    open_session,
    pick_best,
    pick_worst,
)
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory

MEMBERS = 9

pytestmark = POSTGRESQL_ONLY


@pytest.fixture
def reference_data():
    if not AdminUnit.objects.filter(code="38").exists():
        call_command("load_admin_units", province=["38"], verbosity=0)
        call_command("load_calendar", verbosity=0)
    if not ProductCategory.objects.exists():
        call_command("load_product_categories", verbosity=0)
    if not Sheet.objects.filter(code="1048-I-rau-cu-qua-tuoi").exists():
        call_command("load_criteria", "--shipped", verbosity=0)


@pytest.fixture
def item(reference_data):
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=province("38"), username="tinh.th")
    council, _members = council_with_members(officer=officer, members=MEMBERS)
    subject = SubjectFactory(commune=communes("38", 1)[0], name="Hợp tác xã Rau an toàn")
    product = ProductFactory(subject=subject, name="Rau cải ngọt")
    session = open_session(officer=officer, council=council, products=[product])
    return session.items.get()


def sheets_of(item) -> list[Scoresheet]:
    return list(
        Scoresheet.objects.filter(item=item, round=item.round)
        .select_related("item__sheet", "member__user")
        .order_by("member_id")
    )


def test_nine_members_submitting_at_once_are_all_stored_and_the_result_is_computed_once(item):
    sheets = sheets_of(item)
    assert len(sheets) == MEMBERS
    first = item.sheet.criteria.prefetch_related("options").order_by("order").first()
    for index, sheet in enumerate(sheets):
        # Totals differ a little (within the council's allowed spread).
        overrides = {first.code: pick_worst(first)} if index % 3 == 0 else {}
        fill(sheet, submit=False, pick=pick_best, overrides=overrides)

    def submit(sheet):
        return lambda: scoring.submit_scoresheet(scoresheet=sheet, by=sheet.member.user)

    # Each submission reads the attendance (who must score) once its own sheet
    # is saved, to decide whether it is the last one. Holding that table until
    # all nine are waiting makes them really reach the decision together in the
    # database, not one after another as the GIL would otherwise let them.
    errors = run_together([submit(s) for s in sheets], gate=Attendance._meta.db_table)

    assert errors == []
    assert [s.status for s in sheets_of(item)] == [SheetStatus.SUBMITTED] * MEMBERS
    item = AgendaItem.objects.get(pk=item.pk)
    results = list(RoundResult.objects.filter(item=item))
    assert [(r.round, r.score_count) for r in results] == [(1, MEMBERS)]
    assert (item.score_count, item.score_sum) == (MEMBERS, sum(s.total for s in sheets_of(item)))
    assert len({s.total for s in sheets_of(item)}) == 2
    assert ActivityLog.objects.filter(action="ocop.evaluation.result").count() == 1
    assert ActivityLog.objects.filter(action="ocop.scoresheet.submitted").count() == MEMBERS


def test_members_autosaving_at_once_keep_every_answer_and_their_own_totals(item):
    """Each member autosaves their sheet from two tabs at once (even and odd
    criteria), while the eight other members do the same."""
    sheets = sheets_of(item)
    criteria = list(item.sheet.criteria.prefetch_related("options").order_by("order"))

    def autosave(sheet, index, tab):
        def run():
            for position, criterion in enumerate(criteria):
                if position % 2 != tab:
                    continue
                options = sorted(criterion.options.all(), key=lambda o: (o.points, o.code))
                choice = options[(index + position) % len(options)]
                scoring.save_answer(
                    scoresheet=sheet,
                    criterion_code=criterion.code,
                    by=sheet.member.user,
                    options=[choice.code],
                )

        return run

    errors = run_together(
        [autosave(sheet, index, tab) for index, sheet in enumerate(sheets) for tab in (0, 1)]
    )

    assert errors == []
    for index, sheet in enumerate(sheets_of(item)):
        answers = list(CriterionScore.objects.filter(scoresheet=sheet))
        assert len(answers) == len(criteria)
        expected = {}
        for position, criterion in enumerate(criteria):
            options = sorted(criterion.options.all(), key=lambda o: (o.points, o.code))
            expected[criterion.pk] = [options[(index + position) % len(options)].code]
        assert {a.criterion_id: a.options for a in answers} == expected
        assert sheet.total == sum((a.points for a in answers), Decimal(0))
