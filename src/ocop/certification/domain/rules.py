"""The certification rules in force on a date (validity, expiry warnings).

Rules are data (``certification/data/rules.yaml``, loaded by
``manage.py load_certification_rules``); nothing here hard-codes 36 months.
"""

from datetime import date

from django.utils.translation import gettext as _

from ocop.core.workdays import add_months

from ..models import CertificationRule


class NoRuleInForce(LookupError):
    pass


def rules_table() -> list[CertificationRule]:
    """All rules, oldest first: load once for a long run (an import)."""
    return list(CertificationRule.objects.order_by("effective_from"))


def rule_on(day: date, *, table: list[CertificationRule] | None = None) -> CertificationRule:
    """The rule in force on ``day``; a clear error when none is loaded."""
    rules = rules_table() if table is None else table
    found = None
    for rule in rules:
        if rule.effective_from <= day and (rule.effective_to is None or day <= rule.effective_to):
            found = rule
    if found is None:
        raise NoRuleInForce(
            _(
                "No certification rule is in force on %(day)s: load them with "
                "“manage.py load_certification_rules”."
            )
            % {"day": day.strftime("%d/%m/%Y")}
        )
    return found


def valid_until_for(*, issued_on: date, table: list[CertificationRule] | None = None) -> date:
    """Expiry of a certificate issued on ``issued_on`` (issue + validity)."""
    return add_months(issued_on, rule_on(issued_on, table=table).validity_months)
