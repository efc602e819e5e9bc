"""Who records and who reads production batches.

* Recording (batches, events, corrections) is for the producer side of the
  product's subject: the subject's producer and consultant accounts, or a
  commune officer of the product's commune acting on their behalf (as for
  dossiers, ``cycles.rules.producer_side``).
* Reading is for everyone who sees the product in the registry: the
  subject's own people and the officers whose scope covers the product
  (commune, province, advisory team, inspectors, central office). Council
  members are not given batches.
"""

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.cycles.rules import producer_side

READER_ROLES = Role.registry_roles


def can_record(user, product) -> bool:
    """Whether ``user`` may record batches and events of ``product``."""
    return producer_side(user, product)


def visible_q(user):
    """Batches whose product is in the user's registry scope."""
    return scope_for(user).q(
        province="product__province",
        commune="product__commune",
        subject="product__subject",
        roles=READER_ROLES,
    )
