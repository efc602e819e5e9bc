from functools import partial

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ocop.accounts.domain import login as login_domain
from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.accounts.tasks import send_password_reset
from ocop.core.clients import client_ip
from ocop.core.forms import BootstrapMixin
from ocop.geo.models import AdminUnit
from ocop.geo.widgets import UnitPickerWidget
from ocop.producers.models import Subject


class LoginForm(BootstrapMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _("The username/e-mail or the password is not correct."),
        "inactive": _("This account is disabled. Contact your administrator."),
        "locked": _(
            "Too many failed attempts. For your security, logging in to this account is "
            "paused for %(minutes)s minutes."
        ),
    }

    def clean(self):
        from django.conf import settings  # noqa: PLC0415 -- leaf

        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        if username and login_domain.is_locked_out(username=username, ip_address=ip):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.OCOP_LOGIN_LOCKOUT_MINUTES},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                login_domain.record_failure(username=username, ip_address=ip)
            raise
        login_domain.clear_failures(username=username)
        return cleaned


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The Django admin's login: throttled like the site's, staff only."""


class AccountCreateForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _ in the username.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=())
    unit = forms.ModelChoiceField(
        label=_("Administrative unit"),
        queryset=AdminUnit.objects.none(),
        required=False,
        help_text=_("A commune/ward for commune officers, a province for provincial roles."),
    )
    subject = forms.ModelChoiceField(
        label=_("Subject"),
        queryset=Subject.objects.none(),
        required=False,
        help_text=_("For producers and consultants."),
    )
    valid_to = forms.DateField(label=_("Valid until"), required=False)

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        from ocop.geo.domain.queries import current_units  # noqa: PLC0415 -- circular import
        from ocop.producers.domain.queries import (  # noqa: PLC0415 -- circular import
            subjects_visible_to,
        )

        scope = scope_for(by)
        central = scope.is_national((Role.CENTRAL_ADMIN,))
        self.fields["role"].choices = [
            (value, label)
            for value, label in Role.choices
            if central or value not in Role.national_roles
        ]
        units = current_units()
        if not central:
            provinces = sorted(scope.province_ids((Role.PROVINCE_ADMIN,)))
            units = units.filter(province__in=provinces)
        self.fields["unit"].queryset = units
        # A provincial administrator's picker searches only their provinces.
        self.fields["unit"].widget = UnitPickerWidget(
            search_url="geo:unit_search" if central else "accounts:unit_search"
        )
        self.fields["subject"].queryset = subjects_visible_to(by)
        self.fields["subject"].empty_label = _("(none)")


class PasswordEmailForm(BootstrapMixin, PasswordResetForm):
    """Password reset that also reaches accounts created without a password:
    the same e-mail lets a new user set their first password. Requests are
    throttled per address and per client (``login.password_reset_refusal``)
    and the e-mails go out from the task queue, never from the request."""

    refusals = {
        "email": _(
            "A password-reset e-mail was requested for this address several times in the "
            "last hour. Check your inbox (and spam folder), or try again in an hour."
        ),
        "client": _(
            "Too many password-reset requests were sent from this device in the last hour. "
            "Try again in an hour, or contact your administrator."
        ),
    }

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        refusal = login_domain.password_reset_refusal(
            email=email, ip_address=client_ip(self.request)
        )
        if refusal:
            raise forms.ValidationError(self.refusals[refusal], code=f"throttled_{refusal}")
        return email

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (u for u in users if u.email.lower() == email.lower())

    def save(self, *, domain_override=None, use_https=False, request=None, **kwargs):
        """Queue one e-mail per matching account (after the commit)."""
        domain = domain_override or (request.get_host() if request else "")
        protocol = "https" if use_https else "http"
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(
                partial(send_password_reset.enqueue, user.pk, domain=domain, protocol=protocol)
            )


class InvitationForm(BootstrapMixin, forms.Form):
    """An officer invites a subject's representative."""

    full_name = forms.CharField(label=_("Representative's full name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("The invitation link is e-mailed to this address."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_(
            "Without an e-mail address: the platform has no SMS gateway, so you are shown "
            "the link and its QR code to hand over (read out, send by your own phone or "
            "Zalo, or let them scan it)."
        ),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = phone.replace(" ", "").replace(".", "").replace("-", "")
        if phone and not (digits.lstrip("+").isdigit() and 9 <= len(digits.lstrip("+")) <= 12):
            raise forms.ValidationError(_("Write the phone number with digits only."))
        return digits

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and not self.errors:
            raise forms.ValidationError(_("Give an e-mail address or a phone number."))
        return data


class InvitationAcceptForm(BootstrapMixin, forms.Form):
    """The invited person chooses a username and a password."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[get_user_model().username_validator],
        help_text=_("Letters, digits and @ . + - _ only. You log in with it (or your e-mail)."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = get_user_model()(username=data.get("username", ""))
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ApiTokenForm(BootstrapMixin, forms.Form):
    """A new personal API token: its name, validity, roles and writing."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("e.g. the program using it")
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=90)
    roles = forms.MultipleChoiceField(
        label=_("Roles the token acts with"), widget=forms.CheckboxSelectMultiple
    )
    can_write = forms.BooleanField(
        label=_("May also write (create and update records through the API)"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        held = scope_for(user).roles
        self.fields["roles"].choices = [(r.value, r.label) for r in Role if r.value in held]
        self.fields["roles"].initial = [r.value for r in Role if r.value in held]
        most = settings.OCOP_API_TOKEN_MAX_DAYS
        self.fields["days"].validators.append(MaxValueValidator(most))
        self.fields["days"].widget.attrs["max"] = most
