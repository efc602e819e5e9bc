"""The rules that refuse a dossier are stated on the page before they refuse
(issue 18, point 8): the 05 samples, the site visit, the commune's report and
what submitting checks."""

import pytest
from django.urls import reverse

from ocop.cycles.domain.workflow import set_dossier_state

pytestmark = pytest.mark.django_db


def test_the_commune_form_states_the_05_samples_rule(client, dossier, producer_x, officer_x):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    client.force_login(officer_x)
    page = client.get(reverse("cycles:dossier", args=[dossier.pk])).content.decode()
    form = page.split('id="commune-form"')[1].split("</form>")[0]
    assert 'id="id_samples_quantity_helptext"' in form
    assert "05 mẫu sản phẩm" in form
    assert 'aria-describedby="id_samples_quantity_helptext"' in form
    # and it is the rule that then refuses: forwarding with 3 samples fails
    response = client.post(
        reverse("cycles:dossier_act", args=[dossier.pk]),
        {
            "action": "forward",
            "commune_report": "Đạt.",
            "samples_received_on": "2026-12-01",
            "samples_received_by": "A",
            "samples_quantity": "3",
        },
        follow=True,
    )
    assert "05 mẫu sản phẩm" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == "submitted"


def test_the_registration_form_states_what_submitting_checks(client, dossier, producer_x):
    client.force_login(producer_x)
    page = client.get(reverse("cycles:dossier", args=[dossier.pk])).content.decode()
    rules = page.split('id="submit-rules"')[1].split("</p>")[0]
    assert "tài liệu bắt buộc" in rules
    assert "tự đánh giá" in rules
    assert page.index('id="submit-rules"') < page.index('id="action-submit"')
