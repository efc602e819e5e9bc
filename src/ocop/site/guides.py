"""The Vietnamese user guides (docs/huong-dan/*.md) as pages of the site.

The files stay the single source: they are read from ``settings.GUIDES_DIR``
and rendered by ``core.markdown`` (escaped, safe subset), cached by the file's
modification time.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.enums import Role
from ocop.core.markdown import Rendered, render_markdown


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    roles: tuple[str, ...]


# One guide per group of roles, as docs/huong-dan/README.md lists them.
GUIDES = (
    Guide("README", _("General guide: logging in, roles, notifications"), ()),
    Guide("quan-tri-vien", _("Administrators"), (Role.CENTRAL_ADMIN, Role.PROVINCE_ADMIN)),
    Guide(
        "can-bo-tinh",
        _("Provincial and central officers, advisory team, inspectors"),
        (Role.PROVINCE_OFFICER, Role.CENTRAL_OFFICER, Role.ADVISORY_TEAM, Role.INSPECTOR),
    ),
    Guide(
        "can-bo-hau-kiem",
        _("Inspectors: post-certification inspection plans and visits"),
        (Role.INSPECTOR, Role.PROVINCE_OFFICER),
    ),
    Guide("hoi-dong", _("Evaluation council members"), (Role.COUNCIL_MEMBER,)),
    Guide("can-bo-xa", _("Commune officers"), (Role.COMMUNE_OFFICER,)),
    Guide("chu-the", _("Producers and consultants"), (Role.PRODUCER, Role.CONSULTANT)),
    Guide("nguoi-tieu-dung", _("Consumers: checking an OCOP stamp"), ()),
)
GUIDE_BY_SLUG = {g.slug: g for g in GUIDES}

_cache: dict[str, tuple[float, Rendered]] = {}


def guide_path(slug: str) -> Path:
    return Path(settings.GUIDES_DIR) / f"{slug}.md"


def guide_url(target: str) -> str | None:
    """The page of a guide link written in the files ("chu-the.md#muc")."""
    name, _sep, anchor = target.partition("#")
    slug = name.removesuffix(".md")
    if slug not in GUIDE_BY_SLUG:
        return None
    url = reverse("site:guide", args=[slug])
    return f"{url}#{anchor}" if anchor else url


def render_guide(slug: str) -> Rendered | None:
    """The rendered guide, or None when the slug or its file is unknown."""
    if slug not in GUIDE_BY_SLUG:
        return None
    path = guide_path(slug)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    cached = _cache.get(slug)
    if cached and cached[0] == mtime:
        return cached[1]
    rendered = render_markdown(path.read_text(encoding="utf-8"), link_md=guide_url)
    _cache[slug] = (mtime, rendered)
    return rendered


def guides_for_roles(roles) -> list[Guide]:
    """The guides written for any of ``roles`` (the person's own first)."""
    return [g for g in GUIDES if set(g.roles) & set(roles)]


# Contextual help: the section that explains a page, per role (the first role
# of the person that has an entry wins; "*" for everyone else).
# tests/site/test_guides.py checks that every anchor names a heading.
_PRODUCER = (Role.PRODUCER, Role.CONSULTANT)
TOPICS: dict[str, dict[str, tuple[str, str]]] = {
    "subjects": {
        **dict.fromkeys(_PRODUCER, ("chu-the", "xem-va-cap-nhat-thong-tin-chu-the")),
        Role.COMMUNE_OFFICER: ("can-bo-xa", "dang-ky-chu-the-moi"),
        "*": ("can-bo-tinh", "danh-sach-chu-the"),
    },
    "products": {
        **dict.fromkeys(_PRODUCER, ("chu-the", "dang-ky-san-pham")),
        Role.COMMUNE_OFFICER: ("can-bo-xa", "dang-ky-san-pham-them-anh"),
        "*": ("can-bo-tinh", "danh-sach-san-pham"),
    },
    "dossier": {
        **dict.fromkeys(_PRODUCER, ("chu-the", "lap-ho-so-danh-gia-phan-hang")),
        Role.COMMUNE_OFFICER: ("can-bo-xa", "kiem-tra-ho-so-chu-the-da-nop"),
        "*": ("can-bo-tinh", "kiem-tra-so-bo-ho-so-do-xa-chuyen-len"),
    },
    "samples": {
        Role.COMMUNE_OFFICER: ("can-bo-xa", "ghi-nhan-kiem-tra-cua-xa-va-chuyen-len-tinh"),
        "*": ("can-bo-xa", "ghi-nhan-kiem-tra-cua-xa-va-chuyen-len-tinh"),
    },
    "scoring": {
        Role.COUNCIL_MEMBER: ("hoi-dong", "cham-diem"),
        "*": ("hoi-dong", "cham-diem"),
    },
    "session": {
        Role.COUNCIL_MEMBER: ("hoi-dong", "nhiem-vu-cua-chu-tich-hoi-dong"),
        "*": ("can-bo-tinh", "len-lich-phien-hop-them-san-pham-diem-danh"),
    },
    "stamps": {
        **dict.fromkeys(_PRODUCER, ("chu-the", "de-nghi-cap-tem-ocop")),
        "*": ("can-bo-tinh", "duyet-hoac-tu-choi-de-nghi-cap-tem"),
    },
    "certificates": {
        **dict.fromkeys(_PRODUCER, ("chu-the", "giay-chung-nhan-ocop")),
        "*": ("can-bo-tinh", "quyet-dinh-cong-nhan-va-giay-chung-nhan"),
    },
    "registry_import": {"*": ("can-bo-tinh", "nhap-danh-sach-san-pham-tu-tep-excel")},
    "verify": {"*": ("nguoi-tieu-dung", "quet-ma-qr-tren-tem")},
    "inspection_plan": {"*": ("can-bo-hau-kiem", "lap-ke-hoach-kiem-tra-nam")},
    "inspection_visit": {"*": ("can-bo-hau-kiem", "kiem-tra-tai-co-so-tren-dien-thoai")},
}
# Most specific roles first: a person with several roles gets the guide of the
# narrowest one (a commune officer who is also a producer reads the producer's).
_ROLE_ORDER = (
    Role.PRODUCER,
    Role.CONSULTANT,
    Role.COUNCIL_MEMBER,
    Role.COMMUNE_OFFICER,
)


def topic_target(topic: str, roles) -> tuple[str, str]:
    """(guide slug, anchor) explaining ``topic`` to someone with ``roles``."""
    entries = TOPICS[topic]
    for role in _ROLE_ORDER:
        if role in roles and role in entries:
            return entries[role]
    return entries["*"]
