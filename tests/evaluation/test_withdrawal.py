"""The reason a product was withdrawn from a session is kept on its agenda
item, so the minutes print it next to the right product whatever the products
are called (before, it was joined back from the activity log on the name)."""

import io
from importlib import import_module

import pytest
from django.apps import apps
from pypdf import PdfReader

from ocop.core.domain.activity import log_action
from ocop.evaluation.domain import sessions
from ocop.evaluation.domain.documents import render_minutes

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_two_products_of_the_same_name_keep_their_own_reasons(
    session, item, product_x, product_y, subject_x, subject_y, chair
):
    product_y.name = product_x.name
    product_y.save()
    item_y = session.items.get(product=product_y)
    sessions.withdraw_item(item=item, by=chair.user, reason="Thiếu mẫu sản phẩm")
    sessions.withdraw_item(item=item_y, by=chair.user, reason="  Hồ sơ chưa đủ giấy tờ  ")
    item.refresh_from_db()
    item_y.refresh_from_db()
    assert item.withdrawal_reason == "Thiếu mẫu sản phẩm"
    assert item_y.withdrawal_reason == "Hồ sơ chưa đủ giấy tờ"
    session = sessions.set_session_state(session=session, action="close", by=chair.user)

    text = pdf_text(render_minutes(session=session))
    assert f"{product_x.name} ({subject_x.name}): Thiếu mẫu sản phẩm." in text
    assert f"{product_x.name} ({subject_y.name}): Hồ sơ chưa đủ giấy tờ." in text


def test_renaming_the_product_keeps_the_reason(session, item, product_x, subject_x, chair):
    sessions.withdraw_item(item=item, by=chair.user, reason="Thiếu mẫu sản phẩm")
    product_x.name = "Nước mắm nhĩ Làng X"
    product_x.save()

    text = pdf_text(render_minutes(session=session))
    assert f"Nước mắm nhĩ Làng X ({subject_x.name}): Thiếu mẫu sản phẩm." in text


def test_the_migration_fills_unambiguous_reasons_from_the_log(
    session, item, product_x, product_y, chair
):
    """Items withdrawn before the field existed: the reason comes from the log
    where exactly one withdrawn item of the session has the logged name."""
    from ocop.evaluation.models import AgendaItem

    item_y = session.items.get(product=product_y)
    AgendaItem.objects.filter(pk__in=[item.pk, item_y.pk]).update(status="withdrawn")
    for product, reason in [(product_x, "Cũ"), (product_x, "Thiếu mẫu"), (product_y, "Khác")]:
        log_action(
            action="ocop.session.item_withdrawn",
            by=chair.user,
            obj=session,
            data={"product": str(product), "reason": reason},
        )
    migration = import_module("ocop.evaluation.migrations.0003_agendaitem_withdrawal_reason")
    migration.reasons_from_the_log(apps, None)
    item.refresh_from_db()
    item_y.refresh_from_db()
    assert (item.withdrawal_reason, item_y.withdrawal_reason) == ("Thiếu mẫu", "Khác")

    # Two withdrawn items of the same name: the log cannot tell them apart.
    AgendaItem.objects.filter(pk__in=[item.pk, item_y.pk]).update(withdrawal_reason="")
    product_y.name = product_x.name
    product_y.save()
    migration.reasons_from_the_log(apps, None)
    assert set(
        AgendaItem.objects.filter(pk__in=[item.pk, item_y.pk]).values_list(
            "withdrawal_reason", flat=True
        )
    ) == {""}
