import pytest

from ocop.core.domain.activity import history_for, log_action
from ocop.core.models import ActivityLog
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_log_action_records_actor_object_and_data():
    actor, target = UserFactory(), UserFactory()
    entry = log_action(action="ocop.test.done", by=actor, obj=target, data={"x": 1})
    assert list(history_for(target)) == [entry]
    assert (entry.actor, entry.object_repr, entry.data) == (actor, str(target), {"x": 1})


def test_log_entries_cannot_be_changed_or_deleted():
    entry = log_action(action="ocop.test.done", data={"x": 1})
    entry.data = {"x": 2}
    with pytest.raises(ValueError, match="cannot be changed"):
        entry.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        entry.delete()
    assert ActivityLog.objects.get(pk=entry.pk).data == {"x": 1}


def test_every_logged_action_has_a_label_officers_can_read():
    import re

    from django.conf import settings

    from ocop.core.phrases import ACTION_LABELS

    used = set()
    for path in (settings.SRC_DIR).rglob("*.py"):
        used |= set(re.findall(r'action="(ocop\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert used, "the scan found the log_action calls"
    assert sorted(used - set(ACTION_LABELS)) == []


def test_history_shows_the_label_not_the_code(client):
    from ocop.accounts.enums import Role
    from tests.factories.accounts import user_with_role

    admin = user_with_role(Role.CENTRAL_ADMIN)
    target = UserFactory()
    log_action(action="ocop.account.created", by=admin, obj=target)
    client.force_login(admin)
    html = client.get(f"/accounts/{target.pk}/").content.decode()
    assert "đã tạo tài khoản" in html.lower()
    assert "ocop.account.created" not in html
