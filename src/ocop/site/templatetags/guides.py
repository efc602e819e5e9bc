"""``{% guide_link "dossier" %}``: a contextual link from a page to the section
of the user guide that explains it, chosen by the person's role
(``site.guides.TOPICS``; tests check every anchor names a heading)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ocop.accounts.rules import scope_for
from ocop.site.guides import topic_target

register = template.Library()


@register.simple_tag(takes_context=True)
def guide_link(context, topic: str) -> str:
    user = getattr(context.get("request"), "user", None)
    roles = scope_for(user).roles if user is not None and user.is_authenticated else set()
    slug, anchor = topic_target(topic, roles)
    url = reverse("site:guide", args=[slug]) + f"#{anchor}"
    return format_html(
        '<a class="guide-link small text-nowrap" data-guide-topic="{}" href="{}">'
        '<span aria-hidden="true">ⓘ</span> {}</a>',
        topic,
        url,
        _("Guide"),
    )
