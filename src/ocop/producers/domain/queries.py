from ocop.accounts.rules import scope_for
from ocop.producers.models import Subject


def subjects_visible_to(user):
    """Subjects a person may see: their own (producers, consultants), their
    commune or province (officers), everything (central office)."""
    scope = scope_for(user)
    return Subject.objects.filter(
        scope.q(province="province", commune="commune", subject="pk")
    ).select_related("commune", "province")
