"""Every transition of the table × every kind of actor: the right role in
scope may take it; everyone else is refused and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.cycles.domain.workflow import TRANSITIONS, set_dossier_state
from ocop.cycles.enums import DossierPath
from ocop.cycles.models import Dossier
from tests.factories.accounts import user_with_role
from tests.factories.cycles import commune_checked
from tests.factories.geo import communes, province

pytestmark = pytest.mark.django_db

# Who may take each action (the session's steps are tested in test_workflow_paths).
ALLOWED = {
    "submit": {"producer", "commune"},
    "withdraw": {"producer", "commune"},
    "return": {"commune", "province"},
    "forward": {"commune", "province"},
    "forward_district": {"commune", "province"},
    "district_forward": {"province"},
    "province_return": {"advisory", "province"},
    "precheck": {"advisory", "province"},
}
ACTORS = (
    "producer",
    "commune",
    "advisory",
    "province",
    "other_producer",
    "other_commune",
    "other_province",
)
CASES = [(t, actor) for t in TRANSITIONS if t.action in ALLOWED for actor in ACTORS]


@pytest.fixture
def people(producer_x, officer_x, advisory, province_officer, subject_y):
    return {
        "producer": producer_x,
        "commune": officer_x,
        "advisory": advisory,
        "province": province_officer,
        "other_producer": user_with_role(Role.PRODUCER, subject=subject_y),
        "other_commune": user_with_role(Role.COMMUNE_OFFICER, unit=communes("38", 3)[2]),
        "other_province": user_with_role(Role.PROVINCE_OFFICER, unit=province("01")),
    }


@pytest.mark.parametrize(("transition", "actor"), CASES, ids=[f"{t.action}-{a}" for t, a in CASES])
def test_transition_by_actor(transition, actor, dossier, people, producer_x, officer_x):
    # A dossier that passes every check: submitted once, checked by the commune.
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    commune_checked(dossier, officer_x)
    path = (
        DossierPath.P148
        if transition.action in ("forward_district", "district_forward")
        else DossierPath.P1489
    )
    Dossier.objects.filter(pk=dossier.pk).update(state=transition.sources[0], path=path)
    before = ActivityLog.objects.count()
    kwargs = (
        {"reason": "Lý do", "missing": ["Phiếu kiểm nghiệm"]} if transition.needs_reason else {}
    )
    if actor in ALLOWED[transition.action]:
        result = set_dossier_state(
            dossier=dossier, action=transition.action, by=people[actor], **kwargs
        )
        assert result.state == transition.target
        # The transition's entry (a return or a withdrawal also logs the
        # product status it restores: see test_process_guards).
        added = ActivityLog.objects.order_by("pk")[before:]
        assert [e.action for e in added if e.action != "ocop.product.status"] == [
            "ocop.dossier.transition"
        ]
    else:
        with pytest.raises((PermissionDenied, ValidationError)) as error:
            set_dossier_state(dossier=dossier, action=transition.action, by=people[actor], **kwargs)
        assert str(error.value)
        dossier.refresh_from_db()
        assert dossier.state == transition.sources[0]
        assert ActivityLog.objects.count() == before


@pytest.mark.parametrize(
    "transition", [t for t in TRANSITIONS if t.action in ALLOWED], ids=lambda t: t.action
)
def test_transition_from_a_wrong_state_fails(transition, dossier, province_officer):
    wrong = next(
        s for s in ("draft", "evaluated", "proposed", "withdrawn") if s not in transition.sources
    )
    Dossier.objects.filter(pk=dossier.pk).update(state=wrong)
    with pytest.raises(ValidationError):
        set_dossier_state(
            dossier=dossier, action=transition.action, by=province_officer, reason="x"
        )
    dossier.refresh_from_db()
    assert dossier.state == wrong
