from ocop.accounts.rules import is_national, scope_for


def can_view_subject(user, subject) -> bool:
    scope = scope_for(user)
    return (
        is_national(user) or subject.pk in scope.subject_ids() or scope.covers_unit(subject.commune)
    )
