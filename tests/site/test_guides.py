"""The Vietnamese user guides are pages of the application: a menu entry, one
page per guide rendered from docs/huong-dan/*.md (escaped: HTML in a file is
text), contextual links on the main pages pointing at headings that exist, and
the rules that refuse a form stated on the form."""

import re

import pytest
from django.urls import reverse

from ocop.accounts.enums import Role
from ocop.core.markdown import render_markdown, slugify_heading
from ocop.site.guides import GUIDES, TOPICS, render_guide, topic_target
from tests.factories.accounts import user_with_role
from tests.factories.geo import province


def ids_of(html: str) -> set[str]:
    return set(re.findall(r'<h\d id="([^"]+)"', html))


# The renderer ------------------------------------------------------------------


def test_markdown_subset_renders_and_escapes_html():
    source = (
        "# Tiêu đề <b>x</b>\n\n"
        "Đoạn **đậm**, *nghiêng*, `<code>` và <script>alert(1)</script>.\n\n"
        "1. Một\n2. Hai\n   - con\n\n"
        "| A | B |\n|---|---|\n| <i>1</i> | [x](chu-the.md#muc) |\n\n"
        "[xấu](javascript:alert(1)) [tốt](https://example.vn/a)\n\n"
        "```\n<b>giữ nguyên</b>\n```\n"
    )
    html = render_markdown(source, link_md=lambda t: "/g/" + t).html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html
    assert "<i>" not in html
    assert '<h1 id="tieu-de-b-x-b">' in html
    assert "<strong>đậm</strong>" in html
    assert "<em>nghiêng</em>" in html
    assert "<code>&lt;code&gt;</code>" in html
    assert "<ol><li>" in html
    assert "<ul><li>" in html
    assert "<thead><tr><th" in html
    assert "&lt;i&gt;1&lt;/i&gt;" in html
    assert '<a href="/g/chu-the.md#muc">x</a>' in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.vn/a">tốt</a>' in html
    assert "<pre><code>&lt;b&gt;giữ nguyên&lt;/b&gt;</code></pre>" in html


def test_heading_anchor_drops_numbering_and_accents():
    assert slugify_heading("10.3. Lên lịch phiên họp, điểm danh") == "len-lich-phien-hop-diem-danh"
    assert slugify_heading("2. Chấm điểm") == "cham-diem"


# The pages ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.slug)
def test_every_guide_renders_as_a_page(client, guide):
    response = client.get(reverse("site:guide", args=[guide.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    rendered = render_guide(guide.slug)
    assert rendered.title
    assert "<h1 id=" in page
    # the table of contents lists the second-level headings
    toc = page.split('id="guide-toc"')[1].split("</ul>")[0]
    assert toc.count("<li") == sum(1 for level, *_ in rendered.headings if level == 2)
    # links between guides go to the guide pages, not to .md files
    assert not re.search(r'href="[^"]*\.md', page)


@pytest.mark.django_db
def test_unknown_guide_is_404(client):
    assert client.get(reverse("site:guide", args=["khong-co"])).status_code == 404


ROLE_GUIDE = [
    (Role.PRODUCER, "chu-the"),
    (Role.COMMUNE_OFFICER, "can-bo-xa"),
    (Role.PROVINCE_OFFICER, "can-bo-tinh"),
    (Role.PROVINCE_ADMIN, "quan-tri-vien"),
    (Role.COUNCIL_MEMBER, "hoi-dong"),
    (Role.INSPECTOR, "can-bo-tinh"),
    (Role.INSPECTOR, "can-bo-hau-kiem"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "slug"), ROLE_GUIDE)
def test_menu_entry_leads_to_the_roles_guide(client, role, slug, subject_x, commune_x):
    kwargs = {"subject": subject_x} if role == Role.PRODUCER else {}
    if role == Role.COMMUNE_OFFICER:
        kwargs["unit"] = commune_x
    elif role != Role.PRODUCER:
        kwargs["unit"] = province("38")
    client.force_login(user_with_role(role, **kwargs))
    dashboard = client.get(reverse("site:dashboard")).content.decode()
    assert f'href="{reverse("site:guides")}">Hướng dẫn</a>' in dashboard
    index = client.get(reverse("site:guides")).content.decode()
    mine = index.split('id="guides-mine"')[1].split("</ul>")[0]
    assert reverse("site:guide", args=[slug]) in mine
    assert client.get(reverse("site:guide", args=[slug])).status_code == 200


# Contextual links ------------------------------------------------------------------


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_contextual_link_points_at_an_existing_heading(topic):
    for slug, anchor in TOPICS[topic].values():
        assert anchor in {h[1] for h in render_guide(slug).headings}, (topic, slug, anchor)


def test_the_guide_follows_the_role():
    assert topic_target("dossier", {Role.PRODUCER}) == ("chu-the", "lap-ho-so-danh-gia-phan-hang")
    assert topic_target("dossier", {Role.COMMUNE_OFFICER})[0] == "can-bo-xa"
    assert topic_target("dossier", {Role.PROVINCE_OFFICER})[0] == "can-bo-tinh"
    assert topic_target("scoring", {Role.COUNCIL_MEMBER}) == ("hoi-dong", "cham-diem")


def guide_href(page: str, topic: str) -> str:
    match = re.search(rf'data-guide-topic="{topic}" href="([^"]+)"', page)
    assert match, f"no guide link for {topic}"
    return match.group(1)


@pytest.mark.django_db
def test_main_pages_carry_their_guide_link(client, province_officer, subject_x, product_x):
    client.force_login(province_officer)
    pages = {
        "subjects": reverse("producers:list"),
        "products": reverse("products:detail", args=[product_x.pk]),
        "dossier": reverse("cycles:dossiers"),
        "stamps": reverse("stamps:list"),
        "certificates": reverse("certification:certificates"),
        "registry_import": reverse("products_import:upload"),
    }
    for topic, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        href = guide_href(response.content.decode(), topic)
        path, anchor = href.split("#")
        assert path.startswith("/huong-dan/can-bo-tinh/")
        assert anchor in ids_of(client.get(path).content.decode())


@pytest.mark.django_db
def test_producer_gets_the_producer_guide(client, producer_x, subject_x):
    client.force_login(producer_x)
    page = client.get(reverse("producers:detail", args=[subject_x.pk])).content.decode()
    assert guide_href(page, "subjects") == (
        reverse("site:guide", args=["chu-the"]) + "#xem-va-cap-nhat-thong-tin-chu-the"
    )
