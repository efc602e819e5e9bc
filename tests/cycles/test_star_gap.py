"""The producer's self-assessment on a transcribed 148 sheet (set 1, fresh
vegetables) says which star its answers reach and what the next star still
needs: the mandatory criteria not met, with the option they ask for, and the
points missing to the next band."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ocop.criteria.domain.loading import load_sheet_data
from ocop.criteria.models import Sheet
from ocop.cycles.domain import dossiers as dossier_domain
from ocop.cycles.domain.queries import self_assessment_gap
from ocop.products.models import ProductCategory
from tests.factories.cycles import give_documents
from tests.factories.sheets import set_1_data

pytestmark = pytest.mark.django_db

# The best option everywhere but these: 86 points, 1.d below its 4★ mark.
BY_HAND_86 = {
    "1.d": "b",
    "3.b": "a",
    "4.b": "b",
    "4.c": "c",
    "5.a": "d",
    "6.c": "c",
    "6.d": "c",
    "7.a": "b",
    "12.a": "b",
}


@pytest.fixture
def dossier(product_x, producer_x):
    """A dossier of a fresh-vegetable product on the set-1 sheet (loaded as an
    official sheet so that a new dossier takes it rather than the sample)."""
    data = {**set_1_data(), "code": "148-test-set-01-dossier", "official": True}
    load_sheet_data(data)
    product_x.category = ProductCategory.objects.get(code="I.1.a")
    product_x.save()
    give_documents(product_x.subject)
    dossier = dossier_domain.create_dossier(product=product_x, by=producer_x)
    assert dossier.sheet == Sheet.objects.get(code="148-test-set-01-dossier")
    return dossier


def answer(dossier, producer, chosen):
    for criterion in dossier.sheet.criteria.prefetch_related("options"):
        option = (
            chosen.get(criterion.code) or max(criterion.options.all(), key=lambda o: o.points).code
        )
        dossier_domain.save_self_assessment(
            dossier=dossier, by=producer, criterion_code=criterion.code, options=[option]
        )


def test_86_points_need_1d_for_4_stars(dossier, producer_x):
    answer(dossier, producer_x, BY_HAND_86)
    gap = self_assessment_gap(dossier)
    assert (gap.total, gap.star, gap.achieved, gap.next_star, gap.points_missing) == (
        Decimal(86),
        3,
        True,
        4,
        Decimal(0),
    )
    assert [(r.condition.description, r.option.text, r.or_better) for r in gap.requirements] == [
        ("1.d Liên kết sản xuất", "Có hợp đồng liên kết trên 75% sản lượng tiêu thụ", True)
    ]


def test_the_page_says_what_the_next_star_needs_and_updates_on_each_answer(
    client, dossier, producer_x
):
    answer(dossier, producer_x, BY_HAND_86)
    client.force_login(producer_x)
    page = client.get(reverse("cycles:self_assessment", args=[dossier.pk])).content.decode()
    gap = page.split('id="star-gap"', 1)[1].split("</div>", 1)[0]
    assert "Với các câu trả lời này, sản phẩm đạt 3★." in gap
    assert "Để đạt 4★ còn cần:" in gap
    assert (
        "tiêu chí bắt buộc 4★: 1.d Liên kết sản xuất — chọn “Có hợp đồng liên kết trên 75% "
        "sản lượng tiêu thụ” hoặc phương án cao hơn"
    ) in gap
    assert "points-missing" not in gap
    # Raising 1.d to its mark: 4★ reached; for 5★, 3 points and the 5★ criteria.
    response = client.post(
        reverse("cycles:self_answer", args=[dossier.pk]),
        {"criterion": "1.d", "c-1.d": "c"},
        headers={"HX-Request": "true"},
    )
    gap = response.content.decode().split('id="star-gap"', 1)[1].split("</div>", 1)[0]
    assert "sản phẩm đạt 4★." in gap
    assert '<li id="points-missing">thêm 3,00 điểm</li>' in gap
    assert gap.count("tiêu chí bắt buộc 5★:") == 1  # 1.d "d"; the other 5★ marks are met
    assert (
        "1.d Liên kết sản xuất — chọn “Có hợp đồng liên kết trên 75% sản lượng tiêu thụ và" in gap
    )


def test_the_781_minimum_and_the_points_to_3_stars(dossier, producer_x):
    worst = {
        c.code: min(c.options.all(), key=lambda o: o.points).code
        for c in dossier.sheet.criteria.prefetch_related("options")
    }
    answer(dossier, producer_x, worst)
    gap = self_assessment_gap(dossier)
    assert (gap.total, gap.star, gap.achieved, gap.next_star, gap.points_missing) == (
        Decimal(12),
        1,
        False,
        3,
        Decimal(38),
    )
    assert [r.criterion.code for r in gap.requirements] == ["5.b", "9.a", "10.a"]
