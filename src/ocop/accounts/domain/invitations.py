"""Inviting a subject's representative to an account scoped to the subject.

An officer whose unit covers the subject (``rules.can_invite``) invites by
e-mail or by phone. The link carries a one-time token; only its SHA-256 is
stored, so a leaked database gives no usable link.

- By e-mail, the token is made in the worker that sends the mail
  (``tasks.send_invitation``), as for password resets: no usable link sits in
  the task queue.
- By phone there is no SMS gateway: the token is made in the request and the
  officer is shown the link (and its QR code) once, to hand over.

Resending makes a new token (the old link stops working) and restarts the
validity (``settings.OCOP_INVITATION_DAYS``). Accepting sets a password and
creates the account, or attaches the role to the account that is signed in,
with exactly the invited scope: the producer role for that subject.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts import rules
from ocop.accounts.domain.accounts import assign_role
from ocop.accounts.enums import InvitationChannel, InvitationState, Role
from ocop.accounts.models import Invitation, User
from ocop.accounts.tasks import send_invitation
from ocop.accounts.tokens import hash_token, new_token
from ocop.core.domain.activity import log_action
from ocop.core.workflow import Move, Transition, Workflow


def validity() -> timedelta:
    return timedelta(days=settings.OCOP_INVITATION_DAYS)


def _send_email_later(invitation_id: int) -> None:
    send_invitation.enqueue(invitation_id)


def _sent(invitation: Invitation) -> str | None:
    """Rotate the token for a phone invitation (returned, shown once); an
    e-mail invitation's token is made by the worker."""
    if invitation.channel == InvitationChannel.PHONE:
        token, invitation.token_hash = new_token()
        return token
    _token, invitation.token_hash = new_token()  # never shown: the worker replaces it
    transaction.on_commit(partial(_send_email_later, invitation.pk), robust=True)
    return None


@transaction.atomic
def invite_representative(
    *, by, subject, full_name: str, email: str = "", phone: str = ""
) -> tuple[Invitation, str | None]:
    """Invite the subject's representative. Returns the invitation and, for a
    phone invitation, the link to hand over (shown once, never stored)."""
    if not rules.can_invite(by, subject):
        raise PermissionDenied(_("Only officers whose unit covers this subject may invite."))
    email, phone, full_name = email.strip(), phone.strip(), full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": _("Give the representative's name.")})
    if not email and not phone:
        raise ValidationError(_("Give an e-mail address or a phone number."))
    channel = InvitationChannel.EMAIL if email else InvitationChannel.PHONE
    pending = Invitation.objects.filter(
        subject=subject, state=InvitationState.SENT, expires_at__gt=timezone.now()
    )
    if pending.filter(**({"email__iexact": email} if email else {"phone": phone})).exists():
        raise ValidationError(
            _("An invitation to this contact is still pending: resend or revoke it below.")
        )
    now = timezone.now()
    invitation = Invitation(
        subject=subject,
        role=Role.PRODUCER,
        full_name=full_name,
        channel=channel,
        email=email,
        phone=phone,
        sent_at=now,
        expires_at=now + validity(),
        created_by=by,
    )
    invitation.token_hash = new_token()[1]
    invitation.full_clean()
    invitation.save()
    token = _sent(invitation)
    invitation.save(update_fields=["token_hash"])
    log_action(
        action="ocop.invitation.sent",
        by=by,
        obj=subject,
        unit=subject.commune,
        data={
            "invitation": invitation.pk,
            "channel": channel,
            "contact": invitation.contact,
            "full_name": full_name,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation, token


# The workflow: resend, revoke (the officer), accept (the invited person) ------


def _may_manage(user, invitation) -> bool:
    return rules.can_invite(user, invitation.subject)


def _resend(move: Move) -> None:
    invitation = move.obj
    now = timezone.now()
    invitation.sent_at = now
    invitation.expires_at = now + validity()
    invitation.send_count += 1
    invitation.plain_token = _sent(invitation)
    move.fields += ["sent_at", "expires_at", "send_count", "token_hash"]
    move.log.update(
        {"channel": invitation.channel, "expires_at": invitation.expires_at.isoformat()}
    )


def _revoke(move: Move) -> None:
    # A revoked link must not work even if the revocation were undone by hand.
    move.obj.token_hash = new_token()[1]
    move.fields.append("token_hash")


def _accept(move: Move) -> None:
    invitation = move.obj
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation expired on %(date)s: ask the officer to send it again.")
            % {"date": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M")},
            code="expired",
        )
    account = move.data["account"]
    _give_role(invitation, account)
    invitation.account = account
    invitation.accepted_at = timezone.now()
    invitation.token_hash = new_token()[1]  # one time only
    move.fields += ["account", "accepted_at", "token_hash"]
    move.log.update({"account": account.pk, "username": account.username})


def _give_role(invitation: Invitation, account: User) -> None:
    already = account.role_assignments.active().filter(
        role=invitation.role, subject=invitation.subject
    )
    if not already.exists():
        # by=None: the officer's right to invite was checked when inviting;
        # the invitation's log entries say who invited and who accepted.
        assign_role(by=None, user=account, role=invitation.role, subject=invitation.subject)


TRANSITIONS = (
    Transition(
        "resend",
        gettext_lazy("Send again"),
        (InvitationState.SENT,),
        InvitationState.SENT,
        log="ocop.invitation.resent",
        may=_may_manage,
        step=_resend,
    ),
    Transition(
        "revoke",
        gettext_lazy("Revoke"),
        (InvitationState.SENT,),
        InvitationState.REVOKED,
        log="ocop.invitation.revoked",
        may=_may_manage,
        step=_revoke,
    ),
    Transition(
        "accept",
        gettext_lazy("Accept"),
        (InvitationState.SENT,),
        InvitationState.ACCEPTED,
        log="ocop.invitation.accepted",
        step=_accept,
        button=False,
    ),
)
WORKFLOW = Workflow(
    model=Invitation,
    states=InvitationState,
    transitions=TRANSITIONS,
    unit=lambda invitation: invitation.subject.commune,
    illegal=gettext_lazy("An invitation that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("Only officers whose unit covers this subject may do this."),
    related=("subject__commune",),
)
available = WORKFLOW.available


def set_invitation_state(*, invitation: Invitation, action: str, by, reason: str = ""):
    """Resend or revoke an invitation (the officer). A resent phone invitation
    carries its new link in ``plain_token`` (shown once)."""
    if action == "accept":
        raise PermissionDenied(_("An invitation is accepted through its link."))
    return WORKFLOW.apply(obj=invitation, action=action, by=by, reason=reason)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token opens (None when unknown, used or replaced)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("subject__commune", "created_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, user=None, username: str = "", password: str = ""
) -> User:
    """Accept: attach the role to ``user`` (signed in) or create an account
    with ``username`` and ``password``. Refused (nothing saved) when the
    invitation expired, was revoked or already used."""
    if user is None:
        if User.objects.filter(username__iexact=username.strip()).exists():
            raise ValidationError({"username": _("This username is taken: choose another.")})
        if invitation.email and User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _(
                    "An account already uses %(email)s: log in with it, then open the "
                    "invitation link again to add the subject to that account."
                )
                % {"email": invitation.email}
            )
        user = User(
            username=username.strip(),
            email=invitation.email,
            phone=invitation.phone,
            full_name=invitation.full_name,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        log_action(
            action="ocop.account.created",
            by=user,
            obj=user,
            unit=invitation.subject.commune,
            data={"username": user.username, "email": user.email, "invitation": invitation.pk},
        )
    WORKFLOW.apply(obj=invitation, action="accept", by=user, system=True, account=user)
    rules.forget_scope(user)
    return user
