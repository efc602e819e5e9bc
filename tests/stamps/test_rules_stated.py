"""The stamp request states its limits before it refuses (issue 18, point 8)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_request_form_states_the_limit_and_the_certificate_rule(
    client, settings, producer_x, certified_x, product_x
):
    settings.OCOP_STAMPS_MAX_PER_REQUEST = 20000
    client.force_login(producer_x)
    page = client.get(reverse("stamps:request", args=[product_x.pk])).content.decode()
    help_text = page.split('id="id_quantity_helptext">')[1].split("</div>")[0]
    assert "20.000" in help_text
    assert "còn hiệu lực" in help_text
    response = client.post(reverse("stamps:request", args=[product_x.pk]), {"quantity": "20001"})
    assert "20.000" in response.content.decode()
