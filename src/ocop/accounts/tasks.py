"""Background tasks of accounts (run by ``manage.py db_worker`` in production)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template import loader
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ocop.accounts.enums import InvitationChannel, InvitationState
from ocop.accounts.models import Invitation
from ocop.accounts.tokens import accept_url, new_token
from ocop.core.jobs import WAITED_FOR

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
BODY_TEMPLATE = "registration/password_reset_email.txt"


@task(priority=WAITED_FOR)
def send_password_reset(user_id: int, *, domain: str, protocol: str) -> bool:
    """E-mail a password-reset link to an active account. The link's token is
    made here, in the worker, so that no usable link is ever stored in the
    task queue; a token made later is as valid as one made at the request."""
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    subject = "".join(loader.render_to_string(SUBJECT_TEMPLATE, context).splitlines())
    body = loader.render_to_string(BODY_TEMPLATE, context)
    EmailMultiAlternatives(subject, body, None, [user.email]).send()
    return True


INVITATION_SUBJECT = "accounts/invitation_email_subject.txt"
INVITATION_BODY = "accounts/invitation_email.txt"


@task(priority=WAITED_FOR)
def send_invitation(invitation_id: int) -> bool:
    """E-mail an invitation's link. The one-time token is made here, in the
    worker (only its hash is stored), so no usable link sits in the queue."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("subject", "created_by")
            .filter(pk=invitation_id, state=InvitationState.SENT, channel=InvitationChannel.EMAIL)
            .first()
        )
        if invitation is None or invitation.expires_at <= timezone.now() or not invitation.email:
            return False
        token, invitation.token_hash = new_token()
        invitation.save(update_fields=["token_hash"])
    context = {
        "invitation": invitation,
        "link": accept_url(token),
        "expires_at": timezone.localtime(invitation.expires_at),
    }
    subject = "".join(loader.render_to_string(INVITATION_SUBJECT, context).splitlines())
    body = loader.render_to_string(INVITATION_BODY, context)
    EmailMultiAlternatives(subject, body, None, [invitation.email]).send()
    return True
