from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ocop.accounts.domain.accounts import create_account
from ocop.accounts.domain.invitations import accept_invitation, invitation_for_token
from ocop.accounts.domain.queries import accounts_visible_to, active_assignments
from ocop.accounts.enums import InvitationState, Role
from ocop.accounts.forms import (
    AccountCreateForm,
    InvitationAcceptForm,
    LoginForm,
    PasswordEmailForm,
)
from ocop.accounts.rules import can_manage_accounts, scope_for
from ocop.core.domain.activity import history_for, log_action
from ocop.core.idempotency import once
from ocop.core.text import fold_vi
from ocop.geo.views import render_unit_search


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordEmailForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {"assignments": active_assignments(request.user)},
    )


def _require_account_admin(user):
    if not can_manage_accounts(user):
        raise PermissionDenied(_("Only account administrators may manage accounts."))


def account_list(request):
    _require_account_admin(request.user)
    accounts = accounts_visible_to(request.user).prefetch_related(
        "role_assignments__unit", "role_assignments__subject"
    )
    query = request.GET.get("q", "").strip()
    if query:
        accounts = accounts.filter(username__icontains=query) | accounts.filter(
            full_name__icontains=query
        )
    page = Paginator(accounts.order_by("username"), 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/account_list.html", {"page": page, "query": query, "fold": fold_vi}
    )


def account_detail(request, pk: int):
    _require_account_admin(request.user)
    account = get_object_or_404(accounts_visible_to(request.user), pk=pk)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "assignments": account.role_assignments.select_related("unit", "subject"),
            "history": history_for(account)[:50],
        },
    )


@once
def account_create(request):
    _require_account_admin(request.user)
    form = AccountCreateForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = create_account(
                by=request.user,
                username=data["username"],
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                unit=data["unit"],
                subject=data["subject"],
                valid_to=data["valid_to"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Account %(username)s created. Use “Send the password e-mail” so that "
                    "they can set a password."
                )
                % {"username": account.username},
            )
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form})


def account_send_reset(request, pk: int):
    """Send the account's owner the e-mail to set (or reset) their password."""
    _require_account_admin(request.user)
    account = get_object_or_404(accounts_visible_to(request.user), pk=pk)
    if request.method != "POST":
        return redirect("accounts:detail", pk=account.pk)
    if not account.email:
        messages.error(request, _("This account has no e-mail address."))
        return redirect("accounts:detail", pk=account.pk)
    form = PasswordEmailForm({"email": account.email}, request=request)
    if not form.is_valid():  # throttled: this address was sent several links this hour
        for error in form.errors.get("email", []):
            messages.error(request, error)
        return redirect("accounts:detail", pk=account.pk)
    form.save(
        request=request,
        use_https=request.is_secure(),
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
    )
    log_action(action="ocop.account.password_link_sent", by=request.user, obj=account)
    messages.success(
        request, _("The password e-mail was sent to %(email)s.") % {"email": account.email}
    )
    return redirect("accounts:detail", pk=account.pk)


@require_safe
def unit_search(request):
    """The unit picker of the account form: a provincial administrator finds
    only the units of their provinces, the central administrator every unit."""
    _require_account_admin(request.user)
    scope = scope_for(request.user)
    province_ids = None
    if not scope.is_national((Role.CENTRAL_ADMIN,)):
        province_ids = sorted(scope.province_ids((Role.PROVINCE_ADMIN,)))
    return render_unit_search(request, province_ids=province_ids)


@login_not_required
def invitation_accept(request, token: str):
    """The invited representative opens the link: sets a password (a new
    account) or, signed in, adds the subject to their account."""
    invitation = invitation_for_token(token)
    if invitation is None or invitation.shown_state() != InvitationState.SENT:
        status = 410 if invitation is not None else 404
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"invitation": invitation},
            status=status,
        )
    signed_in = request.user.is_authenticated
    suggested = invitation.email or invitation.phone
    form = (
        None
        if signed_in
        else InvitationAcceptForm(request.POST or None, initial={"username": suggested})
    )
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            account = accept_invitation(
                invitation=invitation,
                user=request.user if signed_in else None,
                username="" if signed_in else form.cleaned_data["username"],
                password="" if signed_in else form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
            else:
                form.add_error(None, exc)
        else:
            if not signed_in:
                login(request, account, backend="ocop.accounts.backends.UsernameOrEmailBackend")
            messages.success(
                request,
                _("Welcome. Your account now acts for %(subject)s.")
                % {"subject": invitation.subject.name},
            )
            return redirect("site:queue")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "signed_in": signed_in},
    )
