"""Strings that Django itself shows but whose Vietnamese translation is missing
from Django's own catalogue; listed here so that ours provides it."""

from django.utils.translation import gettext_lazy as _

DJANGO_GAPS = [
    _("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL (Django 6.1)
]

# How each activity-log action reads in the history shown to officers.
ACTION_LABELS = {
    "ocop.account.created": _("account created"),
    "ocop.account.password_link_sent": _("password e-mail sent"),
    "ocop.account.role_assigned": _("role given"),
    "ocop.council.created": _("council set up"),
    "ocop.council.changed": _("council changed"),
    "ocop.council.member_added": _("member added to the council"),
    "ocop.council.member_changed": _("council member changed"),
    "ocop.council.member_removed": _("member left the council"),
    "ocop.session.created": _("session planned"),
    "ocop.session.item_added": _("product put on the agenda"),
    "ocop.session.item_removed": _("product taken off the agenda"),
    "ocop.session.item_withdrawn": _("product withdrawn during the session"),
    "ocop.session.attendance": _("attendance recorded"),
    "ocop.session.conflict_declared": _("conflict of interest recorded"),
    "ocop.session.recusal": _("recusal decided"),
    "ocop.session.open": _("scoring opened"),
    "ocop.session.closed": _("session closed"),
    "ocop.scoresheet.submitted": _("scoring sheet submitted"),
    "ocop.scoresheet.reopened": _("scoring sheet reopened by the chair"),
    "ocop.evaluation.result": _("council result computed"),
    "ocop.evaluation.flagged": _("spread too large: flagged for discussion"),
    "ocop.evaluation.new_round": _("new scoring round started"),
    "ocop.criteria.rules_loaded": _("ranking rules loaded"),
    "ocop.criteria.sheet_loaded": _("criteria sheet loaded"),
    "ocop.cycle.created": _("annual cycle opened"),
    "ocop.cycle.changed": _("cycle settings changed"),
    "ocop.cycle.phase_set": _("phase dates set"),
    "ocop.cycle.round_added": _("evaluation round added"),
    "ocop.idea.registered": _("product idea registered"),
    "ocop.idea.transition": _("product idea moved on"),
    "ocop.plan.submitted": _("business plan submitted"),
    "ocop.dossier.created": _("dossier started"),
    "ocop.dossier.changed": _("dossier changed"),
    "ocop.dossier.document_linked": _("document attached to the dossier"),
    "ocop.dossier.document_unlinked": _("document taken off the dossier"),
    "ocop.dossier.commune_check": _("commune's check recorded"),
    "ocop.dossier.copied": _("dossier started from the previous one"),
    "ocop.dossier.transition": _("dossier moved on"),
    "ocop.document.added": _("document added"),
    "ocop.import.applied": _("Excel list imported"),
    "ocop.product.changed": _("product changed"),
    "ocop.product.created": _("product registered"),
    "ocop.product.image_added": _("photo added"),
    "ocop.subject.changed": _("subject changed"),
    "ocop.subject.consultant_authorised": _("consultant authorised"),
    "ocop.subject.created": _("subject registered"),
    "ocop.batch.recorded": _("production batch recorded"),
    "ocop.batch.changed": _("production batch changed"),
    "ocop.trace_event.recorded": _("traceability step recorded"),
    "ocop.trace_event.corrected": _("traceability step corrected"),
    "ocop.trace_event.withdrawn": _("traceability step withdrawn"),
}
