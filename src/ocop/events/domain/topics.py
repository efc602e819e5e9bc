"""The managed list of topics of training and publicity.

Topics are added, renamed or retired (``active=False``), never deleted: a
retired topic stays on the activities that had it but is no longer offered
for new ones.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ocop.core.domain.activity import changed_fields, log_action
from ocop.core.text import fold_vi

from .. import rules
from ..models import Topic

TOPIC_FIELDS = ("name", "name_en", "active", "position")


def _check(topic: Topic) -> None:
    errors: dict[str, list[str]] = {}
    topic.name = " ".join((topic.name or "").split())
    topic.name_en = " ".join((topic.name_en or "").split())
    if not topic.code:
        errors["code"] = [_("Give the topic a code (letters, digits and dashes).")]
    elif Topic.objects.exclude(pk=topic.pk).filter(code=topic.code).exists():
        errors["code"] = [
            _("A topic with the code “%(code)s” exists already.") % {"code": topic.code}
        ]
    if not topic.name:
        errors["name"] = [_("Give the topic's name in Vietnamese.")]
    else:
        folded = fold_vi(topic.name)
        for other in Topic.objects.exclude(pk=topic.pk).only("name"):
            if fold_vi(other.name) == folded:
                errors["name"] = [
                    _("A topic named “%(name)s” exists already.") % {"name": other.name}
                ]
                break
    if errors:
        raise ValidationError(errors)
    topic.full_clean()


@transaction.atomic
def create_topic(*, by, code: str, name: str, name_en: str = "", position: int = 100) -> Topic:
    if not rules.can_manage_topics(by):
        raise PermissionDenied(_("You may not change the list of topics."))
    topic = Topic(
        code=slugify(code or "")[:50],
        name=name,
        name_en=name_en,
        position=position,
        active=True,
    )
    _check(topic)
    topic.save()
    log_action(
        action="ocop.topic.created",
        by=by,
        obj=topic,
        data={"code": topic.code, "name": topic.name, "name_en": topic.name_en},
    )
    return topic


@transaction.atomic
def update_topic(*, by, topic: Topic, data: dict) -> Topic:
    """Rename a topic, move it in the list, retire it (active=False) or restore it."""
    if not rules.can_manage_topics(by):
        raise PermissionDenied(_("You may not change the list of topics."))
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    before = {f: getattr(topic, f) for f in TOPIC_FIELDS}
    for field, value in data.items():
        if field in TOPIC_FIELDS:
            setattr(topic, field, value)
    _check(topic)
    topic.save()
    changes = changed_fields(before, topic)
    if changes:
        log_action(action="ocop.topic.changed", by=by, obj=topic, data=changes)
    return topic
