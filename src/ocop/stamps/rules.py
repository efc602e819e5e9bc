"""Who may do what with OCOP stamp batches, scoped by administrative unit.

* The producer side of the product's subject (its producer and consultant
  accounts, or the commune officer acting on its behalf) requests stamps,
  cancels its own request while it waits, downloads the label sheets and
  voids its own stamps (a damaged roll, a lost sheet).
* Provincial coordination officers and administrators of the product's
  province approve or reject requests, download the labels and void stamps;
  the central office may do so everywhere.
* Everyone who sees the product's dossiers (commune, advisory team) sees
  its batches.
"""

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.cycles.rules import (
    COMMUNE_ROLES,
    PRODUCER_ROLES,
    PROVINCE_ROLES,
    acts_for_subject,
    producer_side,
)

ISSUER_ROLES = (
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)
VIEWER_ROLES = (*PRODUCER_ROLES, *COMMUNE_ROLES, *PROVINCE_ROLES)


def can_request(user, product) -> bool:
    return producer_side(user, product)


def is_issuer_for(user, product) -> bool:
    """A provincial officer or administrator of the product's province, or central."""
    return scope_for(user).covers_unit(product.commune, ISSUER_ROLES)


def can_decide(user, batch) -> bool:
    """Approve or reject a request."""
    return is_issuer_for(user, batch.product)


def can_cancel(user, batch) -> bool:
    """The person who asked, or the subject's own people."""
    if user is None or not user.is_authenticated:
        return False
    return batch.requested_by_id == user.pk or acts_for_subject(user, batch.product.subject)


def can_void(user, batch) -> bool:
    return is_issuer_for(user, batch.product) or producer_side(user, batch.product)


def can_download_labels(user, batch) -> bool:
    return is_issuer_for(user, batch.product) or producer_side(user, batch.product)


def is_stamp_user(user) -> bool:
    """Whether the "Stamps" menu item is shown."""
    return bool(scope_for(user).roles.intersection(VIEWER_ROLES))
