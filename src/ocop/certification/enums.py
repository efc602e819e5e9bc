from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateSource(models.TextChoices):
    IMPORT = "import", _("imported list (historical)")
    DECISION = "decision", _("recognition decision in the system")


class CertificateStatus(models.TextChoices):
    """Stored status. "Expires soon" is not stored: it is derived from the
    validity date and the expiry-warning window of the rules in force."""

    VALID = "valid", _("valid")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("superseded")


class LiveStatus(models.TextChoices):
    """What a person is shown: the stored status judged on a given day."""

    VALID = "valid", _("valid")
    EXPIRING = "expiring", _("expires soon")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("superseded by a newer certificate")
    # Recorded without a decision date (an imported list): no end date can be
    # computed, so it is not counted as in force until an officer completes it.
    UNDETERMINED = "undetermined", _("validity period not determined")


class DecisionState(models.TextChoices):
    """A draft is edited and then issued, or discarded. A discarded draft is
    kept (with its log) rather than deleted, so that nothing disappears; its
    products can be put on a new draft."""

    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")
    DISCARDED = "discarded", _("discarded")


class AuthorityLevel(models.TextChoices):
    """Who recognises (and therefore revokes): province for 3★/4★, the
    ministry for 5★; districts recognised 3★ before 1/7/2025."""

    DISTRICT = "district", _("district")
    PROVINCE = "province", _("province")
    CENTRAL = "central", _("central (ministry)")
