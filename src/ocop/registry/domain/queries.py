"""Reads of the registry import: the provinces a person may import into and
the imports they may see."""

from ocop.accounts.rules import scope_for
from ocop.geo.domain.queries import current_provinces
from ocop.registry.models import ImportBatch
from ocop.registry.rules import IMPORT_ROLES


def import_provinces_for(user):
    """The 2025 provinces ``user`` may import into (the upload form's choices)."""
    provinces = current_provinces().order_by("code")
    scope = scope_for(user)
    if scope.is_national(IMPORT_ROLES):
        return provinces
    return provinces.filter(pk__in=scope.province_ids(IMPORT_ROLES))


def import_batches_visible_to(user):
    """Imports a person may see: those into provinces they may import into."""
    scope = scope_for(user)
    visible = ImportBatch.objects.filter(scope.q(province="province", roles=IMPORT_ROLES))
    return visible.select_related("province", "created_by")
