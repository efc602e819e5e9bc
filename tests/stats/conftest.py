"""A crafted year (2025) in Thanh Hóa, and one product in Hà Nội: new,
renewed, upgraded, expired (one still stored "valid": the nightly job has not
run) and revoked certificates; subjects of several legal forms; ideas with and
without plans; dossiers in every state."""

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment
from ocop.certification.enums import CertificateStatus
from ocop.certification.models import Revocation, RevocationGround
from ocop.cycles.enums import DossierState, IdeaState
from ocop.cycles.models import BusinessPlan, Cycle, Dossier, Idea
from ocop.producers.enums import LegalForm
from ocop.products.enums import CategoryLevel
from ocop.products.forms import CURRENT_BASIS
from ocop.products.models import ProductCategory
from tests.factories.accounts import user_with_role
from tests.factories.certification import imported_certificate
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory

YEAR = 2025
MID_YEAR = date(2025, 6, 30)
YEAR_END = date(2025, 12, 31)


@dataclass
class Crafted:
    thanh_hoa: object
    ha_noi: object
    commune_a: object
    commune_b: object
    set_food: object
    set_drink: object
    central: object
    officer: object
    products: dict = field(default_factory=dict)
    certificates: dict = field(default_factory=dict)


def _sets():
    sets = ProductCategory.objects.filter(level=CategoryLevel.SET, legal_basis=CURRENT_BASIS)
    first = sets.order_by("code").first()
    second = sets.exclude(code__startswith=first.code.split(".")[0] + ".").order_by("code").first()
    return first, second


def _supersede(old, new):
    old.status = CertificateStatus.SUPERSEDED
    old.superseded_by = new
    old.save(update_fields=["status", "superseded_by"])


def _registered(subject, day):
    subject.created_at = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    subject.save(update_fields=["created_at"])


@pytest.fixture
def crafted():
    thanh_hoa, ha_noi = province("38"), province("01")
    commune_a, commune_b = communes("38", 2)
    (ha_noi_commune,) = communes("01", 1)
    set_food, set_drink = _sets()
    central = user_with_role(Role.CENTRAL_OFFICER, username="tw.thongke")
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=thanh_hoa, username="tinh.thongke")
    # Active on the days the tests travel to.
    RoleAssignment.objects.filter(user__in=[central, officer]).update(valid_from=date(2020, 1, 1))
    world = Crafted(thanh_hoa, ha_noi, commune_a, commune_b, set_food, set_drink, central, officer)
    forms = {
        "p1": (commune_a, LegalForm.COOPERATIVE, set_food, True, False),
        "p2": (commune_a, LegalForm.LLC_ONE, set_drink, False, True),
        "p3": (commune_b, LegalForm.HOUSEHOLD, set_food, True, True),
        "p4": (commune_b, LegalForm.COOPERATIVE, set_drink, False, False),
        "p5": (commune_a, LegalForm.COOPERATIVE, set_food, False, False),
        "p6": (commune_a, LegalForm.LLC_ONE, set_food, False, False),
        "p7": (commune_b, LegalForm.HOUSEHOLD, set_drink, True, False),
        "p8": (ha_noi_commune, LegalForm.JOINT_STOCK, set_food, False, False),
    }
    for index, (name, (commune, form, category, woman, ethnic)) in enumerate(forms.items()):
        subject = SubjectFactory(
            commune=commune, legal_form=form, led_by_woman=woman, ethnic_minority=ethnic
        )
        # Registered one per month from January 2025: p1–p6 by mid-year.
        _registered(subject, date(2025, 1 + index, 5))
        world.products[name] = ProductFactory(subject=subject, category=category)
    p, c = world.products, world.certificates
    # Renewed in 2025 at the same star.
    c["c1"] = imported_certificate(
        p["p1"],
        star=3,
        decision_number="1/QĐ",
        decision_date=date(2022, 3, 1),
        valid_until=date(2025, 3, 1),
    )
    c["c1b"] = imported_certificate(
        p["p1"],
        star=3,
        decision_number="2/QĐ",
        decision_date=date(2025, 2, 20),
        valid_until=date(2028, 2, 20),
    )
    _supersede(c["c1"], c["c1b"])
    # Upgraded 3★ → 4★ in August 2025.
    c["c2"] = imported_certificate(
        p["p2"],
        star=3,
        decision_number="3/QĐ",
        decision_date=date(2023, 5, 1),
        valid_until=date(2026, 5, 1),
    )
    c["c2b"] = imported_certificate(
        p["p2"],
        star=4,
        decision_number="4/QĐ",
        decision_date=date(2025, 8, 10),
        valid_until=date(2028, 8, 10),
    )
    _supersede(c["c2"], c["c2b"])
    # New 4★ in April.
    c["c3"] = imported_certificate(
        p["p3"],
        star=4,
        decision_number="5/QĐ",
        decision_date=date(2025, 4, 15),
        valid_until=date(2028, 4, 15),
    )
    # New 3★ in September, revoked in November.
    c["c4"] = imported_certificate(
        p["p4"],
        star=3,
        decision_number="6/QĐ",
        decision_date=date(2025, 9, 1),
        valid_until=date(2028, 9, 1),
        status=CertificateStatus.REVOKED,
    )
    Revocation.objects.create(
        certificate=c["c4"],
        ground=RevocationGround.objects.filter(active=True).first(),
        decision_number="99/QĐ-UBND",
        decision_date=date(2025, 11, 10),
        authority="UBND tỉnh Thanh Hóa",
        by=officer,
    )
    # Lapsed on 1 June 2025 without renewal (marked expired by the nightly job).
    c["c5"] = imported_certificate(
        p["p5"],
        star=3,
        decision_number="7/QĐ",
        decision_date=date(2022, 6, 1),
        valid_until=date(2025, 6, 1),
        status=CertificateStatus.EXPIRED,
    )
    # In force throughout.
    c["c6"] = imported_certificate(
        p["p6"],
        star=3,
        decision_number="8/QĐ",
        decision_date=date(2024, 1, 10),
        valid_until=date(2027, 1, 10),
    )
    # Lapsed on 30 December 2025, still stored "valid": shown expired now.
    c["c7"] = imported_certificate(
        p["p7"],
        star=3,
        decision_number="9/QĐ",
        decision_date=date(2022, 12, 30),
        valid_until=date(2025, 12, 30),
    )
    # Hà Nội.
    c["c8"] = imported_certificate(
        p["p8"],
        star=4,
        decision_number="10/QĐ",
        decision_date=date(2024, 7, 1),
        valid_until=date(2027, 7, 1),
    )
    _cycle_records(world)
    return world


def _cycle_records(world):
    cycle = Cycle.objects.create(province=world.thanh_hoa, year=YEAR, title="Chu trình 2025")
    earlier = Cycle.objects.create(province=world.thanh_hoa, year=YEAR - 1, title="Chu trình 2024")
    p = world.products
    subjects = [p[name].subject for name in ("p1", "p2", "p3", "p4", "p5")]
    states = list(IdeaState.values)
    for index, subject in enumerate(subjects):
        idea = Idea.objects.create(
            cycle=cycle,
            subject=subject,
            product_name=f"Ý tưởng {index}",
            description="…",
            state=states[index % len(states)],
        )
        if idea.state == IdeaState.ACCEPTED:
            BusinessPlan.objects.create(
                idea=idea, summary="…", submitted_by=world.officer, submitted_on=date(2025, 5, 1)
            )
    Idea.objects.create(
        cycle=earlier, subject=subjects[0], product_name="Ý tưởng cũ", description="…"
    )
    products = [p[name] for name in ("p1", "p2", "p3", "p4", "p5", "p6", "p7")]
    for index, state in enumerate(DossierState.values):
        product = products[index % len(products)]
        Dossier.objects.create(
            product=product,
            cycle=cycle,
            state=state,
            product_name=product.name,
            registration_number=product.subject.registration_number,
        )
    Dossier.objects.create(
        product=p["p6"],
        cycle=earlier,
        state=DossierState.EVALUATED,
        product_name=p["p6"].name,
        registration_number=p["p6"].subject.registration_number,
    )
