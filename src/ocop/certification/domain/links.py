"""The public URL printed in a certificate's QR code: ``{SITE_URL}/c/{token}``,
the product's verification page (served by ``stamps``). Only the certificate's
unguessable token appears in it, never a database id."""

from django.conf import settings


def certificate_url(*, token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/c/{token}"
