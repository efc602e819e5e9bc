"""Thin views over ``ocop.certification.domain``: decisions, certificates,
revocation. PDFs are in ``documents.py``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ocop.core import confirm
from ocop.core.domain.activity import history_for
from ocop.core.pagination import CappedPaginator
from ocop.core.search import is_ranked
from ocop.evaluation.domain.queries import sessions_visible_to

from .domain import decisions as decision_domain
from .domain import queries
from .domain.certificates import revoke, rules_for_display
from .enums import DecisionState
from .forms import CertificateFilterForm, DecisionFilterForm, DecisionForm, RevocationForm
from .models import Certificate, RevocationGround
from .rules import can_manage_decision, can_manage_decisions, can_revoke

NAV = "certification"


def _errors(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do this."))


# Decisions -----------------------------------------------------------------------


def decision_list(request):
    form = DecisionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    decisions = queries.filter_decisions(
        queries.decisions_visible_to(request.user), filters=filters
    )
    page = Paginator(decisions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certification/decision_list.html",
        {
            "page": page,
            "form": form,
            "can_draft": can_manage_decisions(request.user),
            "nav_active": NAV,
        },
    )


def sessions_awaiting(request):
    """Closed sessions whose recognised products are on no decision yet."""
    if not can_manage_decisions(request.user):
        raise PermissionDenied
    sessions = queries.sessions_awaiting_decision(request.user)
    page = Paginator(sessions, 50).get_page(request.GET.get("page"))
    return render(
        request, "certification/sessions_awaiting.html", {"page": page, "nav_active": NAV}
    )


@require_POST
def decision_draft(request, session_pk: int):
    session = get_object_or_404(sessions_visible_to(request.user), pk=session_pk)
    try:
        decision = decision_domain.draft_from_session(session=session, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
        return redirect("certification:sessions_awaiting")
    messages.success(
        request, _("A draft decision has been prepared: check it, complete it and issue it.")
    )
    return redirect("certification:decision", decision.pk)


def decision_detail(request, pk: int):
    decision = get_object_or_404(queries.decisions_visible_to(request.user), pk=pk)
    editable = decision.state == DecisionState.DRAFT and can_manage_decision(request.user, decision)
    form = DecisionForm(instance=decision) if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = DecisionForm(request.POST, instance=decision)
        if form.is_valid():
            try:
                decision_domain.update_draft(
                    decision=decision, by=request.user, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("certification:decision", decision.pk)
        decision.refresh_from_db()
    certificates = {
        c.product_id: c for c in decision.certificates.only("pk", "number", "product_id")
    }
    items = list(queries.decision_items(decision))
    for item in items:
        item.certificate = certificates.get(item.product_id)
    return render(
        request,
        "certification/decision_detail.html",
        {
            "decision": decision,
            "items": items,
            "form": form,
            "editable": editable,
            "actions": decision_domain.available(decision, request.user),
            "history": history_for(decision)[:50],
            "nav_active": NAV,
        },
    )


@require_POST
def decision_item_remove(request, pk: int, item_pk: int):
    decision = get_object_or_404(queries.decisions_visible_to(request.user), pk=pk)
    item = get_object_or_404(decision.items.select_related("product"), pk=item_pk)
    try:
        decision_domain.remove_draft_item(item=item, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(request, _("The product has been taken off the draft."))
    return redirect("certification:decision", decision.pk)


@require_POST
def decision_state(request, pk: int):
    decision = get_object_or_404(queries.decisions_visible_to(request.user), pk=pk)
    action = request.POST.get("action", "")
    if action == "issue" and not confirm.confirmed(request):
        return _confirm_issue(request, decision)
    try:
        decision = decision_domain.set_decision_state(
            decision=decision, action=action, by=request.user, reason=request.POST.get("note", "")
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        if decision.state == DecisionState.ISSUED:
            messages.success(
                request, _("The decision has been issued and the certificates created.")
            )
        else:
            messages.success(request, _("The draft has been discarded."))
    return redirect("certification:decision", decision.pk)


def _confirm_issue(request, decision):
    """What issuing the decision does, before it is done."""
    items = list(decision.items.select_related("product").order_by("order", "pk"))
    summary = [
        _("Decision %(number)s of %(date)s: %(title)s.")
        % {
            "number": decision.number or "—",
            "date": date_format(decision.date, "SHORT_DATE_FORMAT") if decision.date else "—",
            "title": decision.title,
        },
        ngettext(
            "%(n)s certificate is created:",
            "%(n)s certificates are created:",
            len(items),
        )
        % {"n": number_format(len(items), force_grouping=True)},
        *[
            _("%(product)s — %(star)s stars") % {"product": i.product.name, "star": i.star}
            for i in items
        ],
        _(
            "The products become certified, the certificates' QR codes and the public "
            "register show them, and the producers are told."
        ),
    ]
    return confirm.ask(
        request,
        title=_("Issue the decision?"),
        summary=summary,
        button=_("Yes, issue the decision"),
        back=reverse("certification:decision", args=[decision.pk]),
        warning=_("An issued decision cannot be changed or withdrawn here."),
        danger=False,
    )


# Certificates --------------------------------------------------------------------


def certificate_list(request):
    today = timezone.localdate()
    form = CertificateFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    certificates = queries.filter_certificates(
        queries.certificates_visible_to(request.user), filters=filters, today=today
    )
    # A searched list holds its bounded candidates (core/search.py): say
    # "more than" rather than a count that looks exact.
    paginator = CappedPaginator if is_ranked(certificates) else Paginator
    page = paginator(certificates, 50).get_page(request.GET.get("page"))
    rows = queries.with_live_status(page.object_list, today=today)
    return render(
        request,
        "certification/certificate_list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "can_draft": can_manage_decisions(request.user),
            "nav_active": NAV,
        },
    )


def _certificate(request, pk: int) -> Certificate:
    return get_object_or_404(
        queries.certificates_visible_to(request.user).select_related(
            "revocation__ground", "revocation__by", "superseded_by", "decision"
        ),
        pk=pk,
    )


def certificate_detail(request, pk: int, *, revocation_form=None, status=200):
    certificate = _certificate(request, pk)
    today = timezone.localdate()
    (certificate,) = queries.with_live_status([certificate], today=today)
    revocable = can_revoke(request.user, certificate)
    return render(
        request,
        "certification/certificate_detail.html",
        {
            "certificate": certificate,
            "revocation": getattr(certificate, "revocation", None),
            "supersedes": certificate.supersedes.order_by("-decision_date", "-pk"),
            "can_revoke": revocable and certificate.status in ("valid", "expired"),
            "revocation_form": revocation_form or (RevocationForm() if revocable else None),
            "grounds": RevocationGround.objects.filter(active=True),
            "rules": rules_for_display(),
            "history": history_for(certificate)[:50],
            "nav_active": NAV,
        },
        status=status,
    )


@require_POST
def certificate_revoke(request, pk: int):
    certificate = _certificate(request, pk)
    if not can_revoke(request.user, certificate):
        raise PermissionDenied
    form = RevocationForm(request.POST)
    if form.is_valid() and not confirm.confirmed(request):
        data = form.cleaned_data
        return confirm.ask(
            request,
            title=_("Revoke the certificate?"),
            summary=[
                _("Certificate %(number)s: %(product)s, %(star)s stars.")
                % {
                    "number": certificate.number or "—",
                    "product": certificate.product.name,
                    "star": certificate.star,
                },
                _("Ground: %(ground)s.") % {"ground": data["ground"]},
                _("Revocation decision %(number)s of %(date)s.")
                % {
                    "number": data["decision_number"],
                    "date": date_format(data["decision_date"], "SHORT_DATE_FORMAT"),
                },
                _(
                    "The certificate stops being valid: its QR code and the public register "
                    "say so, and the product loses the star unless another certificate stands."
                ),
            ],
            button=_("Yes, revoke the certificate"),
            back=reverse("certification:certificate", args=[certificate.pk]),
        )
    if form.is_valid():
        data = form.cleaned_data
        try:
            revoke(
                certificate=certificate,
                ground=data["ground"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                details=data["details"],
                by=request.user,
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The certificate has been revoked."))
            return redirect("certification:certificate", certificate.pk)
    return certificate_detail(request, pk, revocation_form=form, status=400)
