"""Two decisions of one province issued at the same moment, on PostgreSQL
(real row locks): their certificates never share a number.

Each thread has its own connection and sees only what the others committed.
The main thread holds the decision table locked until both issues wait for
it, then releases them together, so they really compete for the province's
number counter (which neither has created yet). Transactional tests flush
the database afterwards, so the reference data is loaded here when an
earlier transactional test has flushed it away."""

from datetime import date

import pytest
from django.core.management import call_command

from ocop.accounts.enums import Role
from ocop.certification.domain.decisions import set_decision_state
from ocop.certification.enums import AuthorityLevel, DecisionState
from ocop.certification.models import (
    Certificate,
    CertificationRule,
    Decision,
    DecisionItem,
    NumberCounter,
)
from ocop.geo.models import AdminUnit
from tests.concurrency import POSTGRESQL_ONLY, run_together
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory

pytestmark = POSTGRESQL_ONLY

PER_DECISION = 15


@pytest.fixture
def reference_data():
    if not AdminUnit.objects.filter(code="38").exists():
        call_command("load_admin_units", province=["38"], verbosity=0)
        call_command("load_calendar", verbosity=0)
    if not CertificationRule.objects.exists():
        call_command("load_certification_rules", verbosity=0)


@pytest.fixture
def two_drafts(reference_data):
    thanh_hoa = province("38")
    commune_a, commune_b = communes("38", 2)
    drafts = []
    for n, commune in enumerate((commune_a, commune_b)):
        officer = user_with_role(Role.PROVINCE_OFFICER, unit=thanh_hoa, username=f"tinh.{n}")
        subject = SubjectFactory(commune=commune, name=f"Hợp tác xã số {n}")
        decision = Decision.objects.create(
            number=f"{100 + n}/QĐ-UBND",
            date=date(2025, 10, 1 + n),
            title="Về việc công nhận sản phẩm OCOP",
            authority="Ủy ban nhân dân tỉnh Thanh Hóa",
            level=AuthorityLevel.PROVINCE,
            unit=thanh_hoa,
            legal_basis="Căn cứ Quyết định 148/QĐ-TTg;",
            signer_title="CHỦ TỊCH",
            signer_name="Lê Văn Ký",
        )
        DecisionItem.objects.bulk_create(
            DecisionItem(
                decision=decision,
                product=ProductFactory(subject=subject, name=f"Sản phẩm {n}.{i}"),
                star=3,
                order=i,
            )
            for i in range(PER_DECISION)
        )
        drafts.append((decision, officer))
    return drafts


def test_two_decisions_issued_at_once_never_share_a_certificate_number(two_drafts):
    assert not NumberCounter.objects.exists()

    def issue(decision, officer):
        return lambda: set_decision_state(decision=decision, action="issue", by=officer)

    errors = run_together([issue(d, o) for d, o in two_drafts], gate=Decision._meta.db_table)
    assert errors == []
    assert set(Decision.objects.values_list("state", flat=True)) == {DecisionState.ISSUED}
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [f"{n:04d}/2025/OCOP-38" for n in range(1, 2 * PER_DECISION + 1)]
    # Each decision got one run of consecutive numbers.
    for decision, _officer in two_drafts:
        mine = sorted(
            int(n.split("/")[0])
            for n in Certificate.objects.filter(decision=decision).values_list("number", flat=True)
        )
        assert mine == list(range(mine[0], mine[0] + PER_DECISION))
    assert list(NumberCounter.objects.values_list("key", "last")) == [("38/2025", 2 * PER_DECISION)]
