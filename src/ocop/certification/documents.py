"""Official documents of certification: the recognition decision with its
annex (Decree 30/2020 layout) and the certificate (one A4 landscape page with
a QR code to the product's public verification page). Views and renderers.

Both are Vietnamese whatever the reader's language (decimal comma, dd/mm/yyyy).
A draft decision prints as a draft; a certificate that no longer stands prints
with a line saying so.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone, translation

from ocop.core.downloads import bytes_response
from ocop.core.pdf import render_pdf
from ocop.core.qr import qr_svg_data_uri
from ocop.core.text import fold_key

from .domain import queries
from .domain.decisions import authority_for, place_for
from .domain.links import certificate_url
from .domain.rules import NoRuleInForce, rule_on
from .enums import AuthorityLevel, DecisionState, LiveStatus
from .rules import revoking_level

PDF = "application/pdf"

STATUS_VI = {
    LiveStatus.EXPIRED: "Giấy chứng nhận đã hết hiệu lực",
    LiveStatus.REVOKED: "Giấy chứng nhận đã bị thu hồi",
    LiveStatus.SUPERSEDED: "Giấy chứng nhận đã được thay thế bằng giấy chứng nhận mới",
}


def _file_part(text: str) -> str:
    """A piece of a download's file name: ASCII, no slashes ("1234-qd-ubnd")."""
    return fold_key(text).replace(" ", "-")[:60] or "ocop"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _title_lines(text: str) -> list[str]:
    """A signer's title: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" prints on two lines."""
    return [part.strip() for part in (text or "").replace("\n", "/").split("/") if part.strip()]


def _head(authority: str, level: str) -> tuple[str, str]:
    """The issuer block of the header: parent organ and issuing organ."""
    if level == AuthorityLevel.CENTRAL:
        return "", authority.upper()
    words = authority.split(" ", 4)
    # "Ủy ban nhân dân tỉnh Thanh Hóa" -> "ỦY BAN NHÂN DÂN" / "TỈNH THANH HÓA"
    if len(words) == 5 and authority.lower().startswith("ủy ban nhân dân"):
        return " ".join(words[:4]).upper(), words[4].upper()
    return "", authority.upper()


def _signing_capacity(decision) -> str:
    """Who decides, as printed above "QUYẾT ĐỊNH:" (the head of the organ)."""
    if decision.level == AuthorityLevel.CENTRAL:
        return f"BỘ TRƯỞNG {decision.authority.upper()}"
    return f"CHỦ TỊCH {decision.authority.upper()}"


# Decision ------------------------------------------------------------------------


def decision_context(decision) -> dict:
    items = list(queries.decision_items(decision))
    numbers = dict(decision.certificates.values_list("product_id", "number"))
    for number, item in enumerate(items, start=1):
        item.certificate_number = numbers.get(item.product_id, "")
        item.number = number
    parent, issuer = _head(decision.authority, decision.level)
    try:
        validity = rule_on(decision.date or timezone.localdate()).validity_months
    except NoRuleInForce:
        validity = None
    return {
        "title": "Quyết định công nhận kết quả đánh giá, phân hạng sản phẩm OCOP",
        "decision": decision,
        "draft": decision.state != DecisionState.ISSUED,
        "issuer_parent": parent,
        "issuer": issuer,
        "number": decision.number or "…",
        "place": place_for(level=decision.level, unit=decision.unit),
        "date": decision.date,
        "capacity": _signing_capacity(decision),
        "bases": _lines(decision.legal_basis),
        "items": items,
        # Products recognised below their score's band: the annex names the
        # mandatory criteria that capped them.
        "capped": [i for i in items if i.agenda_item and i.agenda_item.capping_conditions],
        "stars": sorted({item.star for item in items}),
        "validity": validity,
        "signer_lines": _title_lines(decision.signer_title),
        "signer_name": decision.signer_name,
    }


def render_decision(*, decision) -> bytes:
    with translation.override("vi"):
        return render_pdf("certification/pdf/decision.html", decision_context(decision))


def decision_pdf(request, pk: int):
    decision = get_object_or_404(queries.decisions_visible_to(request.user), pk=pk)
    name = _file_part(decision.number or f"du thao {decision.pk}")
    return bytes_response(
        render_decision(decision=decision), filename=f"quyet-dinh-{name}.pdf", content_type=PDF
    )


# Certificate ---------------------------------------------------------------------


def certificate_context(certificate, *, today=None) -> dict:
    today = today or timezone.localdate()
    (certificate,) = queries.with_live_status([certificate], today=today)
    product = certificate.product
    decision = certificate.decision
    level = revoking_level(certificate)
    authority = (
        decision.authority if decision else authority_for(level=level, unit=product.province)
    )
    parent, issuer = _head(authority, level)
    url = certificate_url(token=certificate.token)
    return {
        "title": "Giấy chứng nhận sản phẩm OCOP",
        "certificate": certificate,
        "product": product,
        "subject": product.subject,
        "authority": authority,
        "issuer_parent": parent,
        "issuer": issuer,
        "place": place_for(level=level, unit=decision.unit if decision else product.province),
        "date": certificate.decision_date,
        "stars": "★" * certificate.star,
        "url": url,
        "qr": qr_svg_data_uri(url, scale=4),
        "status_line": STATUS_VI.get(certificate.live, ""),
        "signer_lines": _title_lines(decision.signer_title) if decision else [],
        "signer_name": decision.signer_name if decision else "",
    }


def render_certificate(*, certificate, today=None) -> bytes:
    with translation.override("vi"):
        return render_pdf(
            "certification/pdf/certificate.html", certificate_context(certificate, today=today)
        )


def certificate_pdf(request, pk: int):
    certificate = get_object_or_404(
        queries.certificates_visible_to(request.user).select_related("product__subject"),
        pk=pk,
    )
    name = _file_part(certificate.number or certificate.decision_number or str(certificate.pk))
    return bytes_response(
        render_certificate(certificate=certificate),
        filename=f"giay-chung-nhan-ocop-{name}.pdf",
        content_type=PDF,
    )
