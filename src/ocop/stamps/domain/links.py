"""Public URLs printed in QR codes. Only unguessable tokens appear in them:
never a database id or a sequential serial.

* a stamp: ``{SITE_URL}/s/{token}``; when the product has a GTIN, the GS1
  Digital Link form ``{SITE_URL}/01/{GTIN-14}/21/{token}`` (AI 21 = serial;
  the token is 20 characters of the GS1 AI encodable set, within AI 21's 20),
  with ``/10/{lot}`` before it when the stamps were issued for a production
  batch (its lot code, percent-encoded as GS1 Digital Link requires).

A certificate's URL (``/c/{token}``) is built by ``certification.domain.links``.
"""

import secrets
import string
from urllib.parse import quote

from django.conf import settings

TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 20  # 62**20 ≈ 2**119: not guessable, fits GS1 AI 21


def new_stamp_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def gtin14(gtin: str) -> str:
    """A GTIN-8/12/13/14 left-padded to the 14 digits of AI 01."""
    return gtin.strip().zfill(14)


def stamp_url(*, token: str, gtin: str = "", lot: str = "") -> str:
    """The printed URL; with a GTIN, the GS1 Digital Link, carrying the lot
    (AI 10) when the stamps were issued for a production batch."""
    base = settings.SITE_URL.rstrip("/")
    if gtin and lot:
        return f"{base}/01/{gtin14(gtin)}/10/{quote(lot, safe='')}/21/{token}"
    if gtin:
        return f"{base}/01/{gtin14(gtin)}/21/{token}"
    return f"{base}/s/{token}"
