"""The package's envelope: canonical JSON, SHA-256 of the data and the
province's signature (HMAC-SHA256 with a key shared between the province and
the centre; see ``docs/exchange.md`` for why not Ed25519)."""

import base64
import hashlib
import hmac
import json

from django.conf import settings
from django.utils.translation import gettext as _

FORMAT = "ocop-exchange"
VERSION = 1
ALGORITHM = "HMAC-SHA256"
MAX_BYTES = 200 * 1024 * 1024


class PackageError(ValueError):
    """A package that cannot be trusted or read; the message says why."""


def canonical(value) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes that are hashed and signed."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(data: dict) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def _key_bytes(text: str) -> bytes:
    text = text.strip()
    try:
        return base64.b64decode(text, validate=True) if text else b""
    except ValueError:
        return text.encode()


def signing_key() -> bytes:
    """This province's key (``OCOP_EXCHANGE_KEY``, base64 or text)."""
    key = _key_bytes(getattr(settings, "OCOP_EXCHANGE_KEY", ""))
    if len(key) < 32:
        raise PackageError(
            _("No exchange key is set (OCOP_EXCHANGE_KEY, at least 32 bytes): cannot sign.")
        )
    return key


def verifying_key(province_code: str) -> bytes:
    """The centre's copy of a province's key (``OCOP_EXCHANGE_KEYS``)."""
    keys = getattr(settings, "OCOP_EXCHANGE_KEYS", {}) or {}
    key = _key_bytes(keys.get(province_code, ""))
    if len(key) < 32:
        raise PackageError(
            _("No exchange key is set for province %(code)s: the package cannot be verified.")
            % {"code": province_code}
        )
    return key


def sign(manifest: dict, *, key: bytes) -> str:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return hmac.new(key, canonical(body), hashlib.sha256).hexdigest()


def seal(*, manifest: dict, data: dict, key: bytes) -> bytes:
    """The package file: the manifest (with the data's SHA-256 and counts)
    signed, and the data."""
    manifest = dict(manifest)
    manifest["format"] = FORMAT
    manifest["version"] = VERSION
    manifest["counts"] = {kind: len(rows) for kind, rows in data.items()}
    manifest["sha256"] = digest(data)
    manifest["signature"] = {
        "algorithm": ALGORITHM,
        "key_id": manifest["source"]["province_code"],
        "value": sign(manifest, key=key),
    }
    return json.dumps({"manifest": manifest, "data": data}, ensure_ascii=False, indent=1).encode()


def open_package(raw: bytes) -> tuple[dict, dict]:
    """Read and verify a package: (manifest, data). Raises ``PackageError``
    before anything is applied when the file is not a package, its counts or
    SHA-256 do not match its data, or its signature is not the province's."""
    if len(raw) > MAX_BYTES:
        raise PackageError(_("The package is larger than %(mb)s MB.") % {"mb": MAX_BYTES >> 20})
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageError(_("The file is not an exchange package (not JSON).")) from None
    if not isinstance(document, dict) or not isinstance(document.get("manifest"), dict):
        raise PackageError(_("The file is not an exchange package (no manifest)."))
    manifest, data = document["manifest"], document.get("data")
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise PackageError(_("The package's format or version is not supported."))
    if not isinstance(data, dict) or any(not isinstance(data.get(k), list) for k in data):
        raise PackageError(_("The package's data are not lists of records."))
    source = manifest.get("source") or {}
    code = str(source.get("province_code", ""))
    signature = manifest.get("signature") or {}
    if signature.get("algorithm") != ALGORITHM or signature.get("key_id") != code:
        raise PackageError(_("The package is not signed with a province's exchange key."))
    expected = sign(manifest, key=verifying_key(code))
    if not hmac.compare_digest(expected, str(signature.get("value", ""))):
        raise PackageError(
            _(
                "The package's signature is wrong: it was changed after signing or not signed "
                "with province %(code)s's key. Nothing was imported."
            )
            % {"code": code}
        )
    if digest(data) != manifest.get("sha256"):
        raise PackageError(
            _(
                "The package's data do not match its SHA-256: it was changed after signing. "
                "Nothing was imported."
            )
        )
    counts = {kind: len(rows) for kind, rows in data.items()}
    if counts != manifest.get("counts"):
        raise PackageError(_("The package's counts do not match its data. Nothing was imported."))
    return manifest, data
