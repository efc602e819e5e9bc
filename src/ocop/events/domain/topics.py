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

# The topics provinces list for OCOP training and publicity: the first list,
# loaded by migration 0002 and by ``manage.py load_event_topics`` (which adds
# only what is missing and never undoes an administrator's change).
SEED_TOPICS = [
    ("programme-news", "Những điểm mới của Chương trình OCOP", "What is new in the OCOP programme"),
    (
        "criteria-evaluation",
        "Bộ tiêu chí và quy trình đánh giá, phân hạng sản phẩm OCOP",
        "The criteria and the evaluation and ranking process",
    ),
    (
        "decentralised-certification",
        "Phân cấp công nhận sản phẩm OCOP",
        "Decentralised certification",
    ),
    ("product-story", "Câu chuyện sản phẩm", "Product stories"),
    ("packaging-labels", "Bao bì, nhãn mác sản phẩm", "Packaging and labels"),
    ("markets", "Thị trường, xúc tiến thương mại", "Markets and trade promotion"),
    ("business-plan", "Xây dựng phương án, kế hoạch kinh doanh", "Business plans"),
    (
        "digital-transformation",
        "Chuyển đổi số, thương mại điện tử",
        "Digital transformation and e-commerce",
    ),
    (
        "registration-procedures",
        "Thủ tục đăng ký, hồ sơ tham gia OCOP",
        "Registration procedures and dossiers",
    ),
    ("traceability", "Truy xuất nguồn gốc, tem OCOP", "Traceability and OCOP stamps"),
    ("scoring-software", "Sử dụng phần mềm chấm điểm OCOP", "Using the OCOP scoring software"),
    (
        "food-safety",
        "An toàn thực phẩm, tiêu chuẩn chất lượng",
        "Food safety and quality standards",
    ),
]


def seed_topics(*, topic_model=Topic) -> int:
    """Add the seed topics that are missing (by code); return how many were added."""
    added = 0
    for position, (code, name, name_en) in enumerate(SEED_TOPICS, start=1):
        _topic, created = topic_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position * 10}
        )
        added += created
    return added


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
