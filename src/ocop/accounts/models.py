from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ROLE_SCOPE, InvitationChannel, InvitationState, OrganisationKind, Role, ScopeKind


class Organisation(models.Model):
    """The office a person works for (coordination office, commune People's
    Committee, department, consultancy…)."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OcopUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: username})


class User(AbstractUser):
    """A person who logs in. What they may do comes from their role assignments."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )

    objects = OcopUserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_unique_email",
                violation_error_message=_("Another account already uses this e-mail address."),
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, at=None):
        day = timezone.localdate() if at is None else at
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )


class RoleAssignment(models.Model):
    """A role given to a person for a scope and a period.

    The scope is an administrative unit (a commune or a province), a subject
    (for producers and consultants) or nothing (central roles: the whole
    country), as ``ROLE_SCOPE`` says.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.ForeignKey(
        "producers.Subject",
        verbose_name=_("subject"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="accounts_role_valid_period",
            )
        ]

    def __str__(self):
        scope = self.subject or self.unit or _("whole country")
        return f"{self.get_role_display()} — {scope}"

    @property
    def scope_kind(self) -> ScopeKind:
        return ROLE_SCOPE[Role(self.role)]


class LoginFailure(models.Model):
    """A failed login attempt, kept for throttling (and pruned after a day)."""

    username = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self):
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class PasswordResetRequest(models.Model):
    """A password-reset request, kept for throttling per address and per
    client (and pruned after a day)."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("password-reset request")
        verbose_name_plural = _("password-reset requests")

    def __str__(self):
        return f"{self.email} {self.at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """An officer's invitation to a subject's representative to open an
    account scoped to that subject (the producer role). The link carries a
    one-time token; only its SHA-256 is stored. "Expired" is not stored: a
    sent invitation past ``expires_at`` is shown so."""

    subject = models.ForeignKey(
        "producers.Subject",
        verbose_name=_("subject"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.PRODUCER)
    full_name = models.CharField(_("full name"), max_length=150)
    channel = models.CharField(_("sent"), max_length=10, choices=InvitationChannel.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=InvitationState.choices, default=InvitationState.SENT
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.full_name} — {self.email or self.phone}"

    @property
    def contact(self) -> str:
        return self.email if self.channel == InvitationChannel.EMAIL else self.phone

    def shown_state(self, now=None) -> str:
        now = now or timezone.now()
        if self.state == InvitationState.SENT and self.expires_at <= now:
            return InvitationState.EXPIRED
        return self.state

    def get_shown_state_display(self) -> str:
        return InvitationState(self.shown_state()).label


class ApiToken(models.Model):
    """A personal API token: made by a person for themselves, for programs
    that call the back-office API (``/api/v1/``) on their behalf. Only the
    SHA-256 of the secret is stored; ``prefix`` (the token's first
    characters) tells the person's tokens apart. The token acts with the
    person's **active** roles at the time of each call, narrowed to
    ``roles`` (chosen at creation among the roles they held): never wider.
    ``can_write`` allows the API's writes; without it the token only reads."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    roles = models.JSONField(_("roles"), default=list)
    can_write = models.BooleanField(_("may write"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    def shown_state(self, now=None) -> str:
        if self.revoked_at is not None:
            return _("revoked")
        return _("active") if self.is_usable(now) else _("expired")

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles if r in Role.values]


class ApiTokenUse(models.Model):
    """One call of the API with a token (append-only): what was asked, when,
    from where, and the answer's status."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    client = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("API token use")
        verbose_name_plural = _("API token uses")
        indexes = [models.Index(fields=["token", "-at"], name="accounts_tokenuse_recent")]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"
