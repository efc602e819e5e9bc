from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.accounts.domain.invitations import invite_representative, set_invitation_state
from ocop.accounts.domain.queries import account_by_login
from ocop.accounts.enums import InvitationState, Role
from ocop.accounts.forms import InvitationForm
from ocop.accounts.rules import can_invite
from ocop.accounts.tokens import accept_url
from ocop.core.domain.activity import history_for
from ocop.core.downloads import file_response
from ocop.core.idempotency import once
from ocop.core.pagination import CappedPaginator
from ocop.producers.domain.documents import add_document, expiring_documents
from ocop.producers.domain.queries import (
    document_flags,
    documents_visible_to,
    filter_subjects,
    home_commune,
    subjects_visible_to,
)
from ocop.producers.domain.subjects import (
    authorise_consultant,
    create_subject,
    find_similar_subjects,
    update_subject,
)
from ocop.producers.forms import ConsultantForm, DocumentForm, SubjectFilterForm, SubjectForm
from ocop.producers.rules import can_create_subject, can_edit_subject
from ocop.products.domain.queries import products_visible_to


def subject_list(request):
    if request.GET.get("export") in ("xlsx", "csv", "csv-iso"):
        # The export belongs to the registry import/export (same filters).
        return redirect(f"{reverse('registry_export:subjects')}?{request.GET.urlencode()}")
    form = SubjectFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    subjects = filter_subjects(subjects_visible_to(request.user), filters=filters)
    page = CappedPaginator(subjects, 50).get_page(request.GET.get("page"))
    flags = document_flags(s.pk for s in page)
    for subject in page:
        subject.flags = flags.get(subject.pk, {})
    return render(
        request,
        "producers/subject_list.html",
        {
            "page": page,
            "form": form,
            "can_create": can_create_subject(request.user),
            "nav_active": "subjects",
        },
    )


def subject_detail(request, pk: int):
    subject = get_object_or_404(subjects_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    documents = documents_visible_to(request.user).filter(subject=subject)
    return render(
        request,
        "producers/subject_detail.html",
        {
            "subject": subject,
            "products": products_visible_to(request.user).filter(subject=subject),
            "documents": [(d, d.validity(today)) for d in documents],
            "acting": subject.role_assignments.active()
            .filter(role__in=[Role.PRODUCER, Role.CONSULTANT])
            .select_related("user"),
            "can_edit": can_edit_subject(request.user, subject),
            "can_invite": can_invite(request.user, subject),
            "invitations": subject.invitations.select_related("account", "created_by")
            if can_invite(request.user, subject)
            else [],
            "history": history_for(subject).select_related("actor")[:30],
            "nav_active": "subjects",
        },
    )


def _save_subject(request, form, subject=None):
    data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_similar"}
    similar = find_similar_subjects(
        name=data["name"], commune=data["commune"], exclude_pk=subject.pk if subject else None
    )
    if similar and not form.cleaned_data.get("confirm_similar"):
        form.similar = similar
        return None
    try:
        if subject is None:
            return create_subject(by=request.user, data=data)
        return update_subject(by=request.user, subject=subject, data=data)
    except ValidationError as exc:
        form.add_error(None, exc)
    except PermissionDenied as exc:
        form.add_error("commune", str(exc))
    return None


@once
def subject_create(request):
    if not can_create_subject(request.user):
        raise PermissionDenied(_("Only commune and provincial officers register subjects."))
    # A commune officer registers subjects of their commune: it is filled in.
    form = SubjectForm(request.POST or None, initial={"commune": home_commune(request.user)})
    if request.method == "POST" and form.is_valid():
        subject = _save_subject(request, form)
        if subject is not None:
            messages.success(request, _("Subject registered."))
            return redirect("producers:detail", pk=subject.pk)
    return render(request, "producers/subject_form.html", {"form": form, "subject": None})


def subject_edit(request, pk: int):
    subject = get_object_or_404(subjects_visible_to(request.user), pk=pk)
    if not can_edit_subject(request.user, subject):
        raise PermissionDenied(_("You may not change this subject."))
    form = SubjectForm(request.POST or None, instance=subject)
    if request.method == "POST" and form.is_valid():
        if _save_subject(request, form, subject) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("producers:detail", pk=subject.pk)
        subject.refresh_from_db()
    return render(request, "producers/subject_form.html", {"form": form, "subject": subject})


@once
def document_add(request, pk: int):
    subject = get_object_or_404(subjects_visible_to(request.user), pk=pk)
    if not can_edit_subject(request.user, subject):
        raise PermissionDenied(_("You may not add documents to this subject."))
    form = DocumentForm(request.POST or None, request.FILES or None, subject=subject)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            add_document(
                by=request.user,
                subject=subject,
                product=data["product"],
                doc_type=data["doc_type"],
                upload=data["file"],
                number=data["number"],
                issuer=data["issuer"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
            )
        except ValidationError as exc:
            form.add_error("file" if not hasattr(exc, "error_dict") else None, exc)
        else:
            messages.success(request, _("Document added."))
            if data["product"]:
                return redirect("products:detail", pk=data["product"].pk)
            return redirect("producers:detail", pk=subject.pk)
    return render(request, "producers/document_form.html", {"form": form, "subject": subject})


def document_download(request, pk: int):
    document = get_object_or_404(documents_visible_to(request.user).exclude(file=""), pk=pk)
    return file_response(
        document.file,
        filename=document.original_name or f"tai-lieu-{document.pk}",
        content_type=document.content_type,
        inline=request.GET.get("view") == "1",
    )


def documents_expiring(request):
    """The officer's list of expired and soon-to-expire documents in their unit."""
    documents = expiring_documents(documents_visible_to(request.user))
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "producers/documents_expiring.html",
        {"page": page, "rows": [(d, d.validity(today)) for d in page], "nav_active": "documents"},
    )


@once
def consultant_add(request, pk: int):
    subject = get_object_or_404(subjects_visible_to(request.user), pk=pk)
    if not can_edit_subject(request.user, subject):
        raise PermissionDenied(_("You may not authorise consultants for this subject."))
    form = ConsultantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consultant = account_by_login(form.cleaned_data["username"])
        if consultant is None:
            form.add_error("username", _("No account with this username or e-mail."))
        else:
            authorise_consultant(by=request.user, subject=subject, consultant=consultant)
            messages.success(request, _("Consultant authorised."))
            return redirect("producers:detail", pk=subject.pk)
    return render(request, "producers/consultant_form.html", {"form": form, "subject": subject})


def _invitable_subject(request, pk: int):
    subject = get_object_or_404(subjects_visible_to(request.user), pk=pk)
    if not can_invite(request.user, subject):
        raise PermissionDenied(_("Only officers whose unit covers this subject may invite."))
    return subject


def _handover(request, subject, invitation, token):
    """The link of a phone invitation, shown once (no SMS gateway)."""
    return render(
        request,
        "producers/invitation_handover.html",
        {"subject": subject, "invitation": invitation, "link": accept_url(token)},
    )


@once
def invitation_create(request, pk: int):
    """Invite the subject's representative to an account scoped to it."""
    subject = _invitable_subject(request, pk)
    initial = {"full_name": subject.representative, "email": subject.email, "phone": subject.phone}
    form = InvitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = invite_representative(
                by=request.user, subject=subject, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if token is not None:
                return _handover(request, subject, invitation, token)
            messages.success(
                request,
                _("The invitation is being e-mailed to %(email)s.") % {"email": invitation.email},
            )
            return redirect("producers:detail", pk=subject.pk)
    return render(
        request,
        "producers/invitation_form.html",
        {"form": form, "subject": subject, "days": settings.OCOP_INVITATION_DAYS},
    )


@require_POST
def invitation_act(request, pk: int, invitation_pk: int):
    """Resend or revoke an invitation."""
    subject = _invitable_subject(request, pk)
    invitation = get_object_or_404(subject.invitations, pk=invitation_pk)
    try:
        invitation = set_invitation_state(
            invitation=invitation, action=request.POST.get("action", ""), by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("producers:detail", pk=subject.pk)
    if getattr(invitation, "plain_token", None):
        return _handover(request, subject, invitation, invitation.plain_token)
    if invitation.state == InvitationState.REVOKED:
        messages.success(request, _("Invitation revoked: its link no longer works."))
    else:
        messages.success(
            request,
            _("The invitation is being e-mailed again to %(email)s.") % {"email": invitation.email},
        )
    return redirect("producers:detail", pk=subject.pk)
