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
