"""The authorization matrix: for every URL pattern of the project, who may
open it, on an object in their scope and on one outside it.

``test_authorization_matrix.py`` walks the URL configuration and requests
every pattern as anonymous and as each role (``world.py`` builds the people
and the objects). A pattern missing here fails the test: add a line to
``RULES`` for every new URL.

A rule says:

* ``allow``: the roles let in (2xx, or a redirect anywhere but the login
  page) for the in-scope object (commune X / subject X / Thanh Hóa), or for
  the page itself when the URL names no object;
* ``out``: the roles let in for the out-of-scope object (Hà Nội). By default
  the national roles among ``allow``: only the central office sees other
  provinces. Unscoped objects (national criteria sheets, topics, public
  pages) say ``out=SAME``;
* ``args``: what each URL keyword refers to, as a key of the world's objects
  (its ``pk``), ``"kind.attribute"``, a literal ``"=value"`` or a format
  string ``"{kind.attribute}"``;
* ``data``: the POST body for a POST-only view that looks an object up from
  the body before anything else (otherwise an empty POST is sent);
* ``query``: a query string.

Every other role is refused (sent to log in, 403, 404, 405 or 429).

POST-only actions whose role check lives in the domain function (the view
looks the object up in the user's ``visible_to`` queryset, then calls the
domain function, which refuses with a message) are marked ``DOMAIN``: an
empty POST checks only the view's own gate, the object's visibility, so
``allow`` lists everyone who sees the object. The domain functions' own
checks are tested in each app's tests.
"""

from dataclasses import dataclass, field

from ocop.accounts.enums import Role

from .world import ANONYMOUS, ROLES

P, C, CO = Role.PRODUCER, Role.CONSULTANT, Role.COMMUNE_OFFICER
PO, PA, AT = Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN, Role.ADVISORY_TEAM
CM, IN = Role.COUNCIL_MEMBER, Role.INSPECTOR
CEO, CEA = Role.CENTRAL_OFFICER, Role.CENTRAL_ADMIN


def roles(*names) -> frozenset[str]:
    return frozenset(str(n) for n in names)


NOBODY = roles()
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
NATIONAL = roles(CEO, CEA)
SAME = "same"  # ``out=SAME``: the object is not scoped (everyone allowed in sees it)
DOMAIN = "The role is checked by the domain function; the view's gate is the object's visibility."

# Who the apps' rules let in (see each app's rules.py).
REGISTRY = roles(*Role.registry_roles)  # everyone but council members
OFFICERS = roles(*Role.officer_roles)
ACCOUNT_ADMINS = roles(PA, CEA)  # accounts.rules.ACCOUNT_ADMIN_ROLES
EDITORS = roles(P, C, CO, PO, PA)  # producers.rules.can_edit_subject (not the central office)
SUBJECT_CREATORS = roles(CO, PO, PA)  # producers.rules.EDITOR_OFFICER_ROLES
INVITERS = roles(CO, PO, PA, CEA)  # accounts.rules.INVITER_ROLES
REGISTRY_KEEPERS = roles(PO, PA, CEO, CEA)  # registry.rules.IMPORT_ROLES
CRITERIA_READERS = OFFICERS | {CM}  # criteria.rules.READER_ROLES
COUNCIL_MANAGERS = roles(PO, PA, CEO, CEA)  # evaluation.rules.MANAGER_ROLES
COUNCIL_VIEWERS = COUNCIL_MANAGERS | {AT, CM}  # VIEWER_ROLES, and the council's members
PRODUCER_SIDE = roles(P, C, CO)  # cycles.rules.producer_side (a commune officer acts for them)
DOSSIER_READERS = roles(P, C, CO, PO, PA, AT, CEO, CEA)  # cycles.rules.visible_q
CYCLE_MANAGERS = roles(PO, PA, CEO, CEA)
HANDLERS = roles(PO, PA, IN, CEO, CEA)  # inspections.rules.HANDLER_ROLES
STAMP_VIEWERS = DOSSIER_READERS  # stamps.rules.VIEWER_ROLES
LABEL_PRINTERS = roles(P, C, CO, PO, PA, CEO, CEA)  # issuers and the producer side
REVOKERS = roles(PO, PA)  # certification.rules.can_revoke of a provincial certificate
EVENT_MANAGERS = roles(CO, PO, PA, CEO, CEA)  # events.rules.MANAGER_ROLES
EVENT_READERS = EVENT_MANAGERS | {AT, IN}  # events.rules.READER_ROLES
TOPIC_MANAGERS = roles(PA, CEO, CEA)
# The managers of a provincial activity: provincial officers and administrators
# of the province, the central office (a commune officer runs only their commune's).
ACTIVITY_MANAGERS = roles(PO, PA, CEO, CEA)
REPORT_READERS = roles(PO, PA, CEO, CEA)  # stats.rules.REPORT_ROLES
TRADE_READERS = OFFICERS  # trade.rules.READER_ROLES
POINT_MANAGERS = roles(CO, PO, PA, CEO, CEA)  # trade.rules.POINT_MANAGER_ROLES
INQUIRY_HANDLERS = roles(P, C, PO, PA, CEO, CEA)  # trade.rules.INQUIRY_ROLES
TARGET_SETTERS = roles(PO, PA, CEO, CEA)  # stats.rules_targets.SETTER_ROLES
# Who opens the in-scope internal activity: its readers, and the producer who
# is registered for it.
ACTIVITY_VIEWERS = EVENT_READERS | {P}
# A registration: the person, their subject's people, the activity's managers.
REGISTRATION_VIEWERS = roles(P, C) | ACTIVITY_MANAGERS


@dataclass(frozen=True)
class Rule:
    allow: frozenset[str]
    out: frozenset[str] | str | None = None
    args: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    query: str = ""
    path: str = ""  # for an unnamed (regex) pattern that cannot be reversed
    note: str = ""

    def allowed(self, scope: str) -> frozenset[str]:
        if scope != "out":
            return self.allow
        if self.out == SAME:
            return self.allow
        if self.out is None:
            return self.allow & NATIONAL
        return self.out


def rule(allow, **kwargs) -> Rule:
    return Rule(frozenset(allow), **kwargs)


# URL patterns left out, and why.
EXCLUDED = {
    "django-admin/": "Django's admin has its own staff check (tested by "
    "test_the_django_admin_refuses_non_staff_users).",
}

RULES: dict[str, Rule] = {
    # site ----------------------------------------------------------------------
    "site:home": rule(EVERYONE),
    "site:dashboard": rule(SIGNED_IN),
    "site:queue": rule(SIGNED_IN),
    "site:queue_badge": rule(SIGNED_IN),
    "site:dashboard_centre": rule(NATIONAL),
    "site:dashboard_province": rule(roles(PO, PA, AT, IN) | NATIONAL),  # the centre: any province
    "site:dashboard_commune": rule(roles(CO)),
    "site:dashboard_producer": rule(roles(P, C)),
    "site:dashboard_council": rule(roles(CM)),
    "site:guides": rule(EVERYONE),
    "site:guide": rule(EVERYONE, out=SAME, args={"slug": "=chu-the"}),
    # core ----------------------------------------------------------------------
    "core:healthz": rule(EVERYONE),
    "core:inbox": rule(SIGNED_IN),
    "core:inbox_read": rule(SIGNED_IN),
    "set_language": rule(EVERYONE),
    # accounts ------------------------------------------------------------------
    "accounts:login": rule(EVERYONE),
    "accounts:logout": rule(SIGNED_IN),
    "accounts:password_reset": rule(EVERYONE),
    "accounts:password_reset_done": rule(EVERYONE),
    "accounts:password_reset_confirm": rule(
        EVERYONE, out=SAME, args={"uidb64": "=Mg", "token": "=set-password"}
    ),
    "accounts:password_reset_complete": rule(EVERYONE),
    "accounts:password_change": rule(SIGNED_IN),
    "accounts:profile": rule(SIGNED_IN),
    "accounts:api_tokens": rule(SIGNED_IN),
    # A token is its owner's only (the in-scope one is the commune officer's).
    "accounts:api_token_revoke": rule(roles(CO), out=NOBODY, args={"pk": "api_token"}),
    "accounts:list": rule(ACCOUNT_ADMINS),
    "accounts:create": rule(ACCOUNT_ADMINS),
    # The in-scope account is the commune officer of commune X.
    "accounts:detail": rule(ACCOUNT_ADMINS, args={"pk": "account"}),
    "accounts:send_reset": rule(ACCOUNT_ADMINS, args={"pk": "account"}),
    "accounts:unit_search": rule(ACCOUNT_ADMINS),
    # an unknown token: nobody gets a page (tests/accounts/test_invitations.py
    # opens real links)
    "accounts:invitation_accept": rule(NOBODY, args={"token": "=unknown-token"}),
    # geo: the administrative units are public reference data.
    "geo:unit_search": rule(EVERYONE),
    # producers (lists are filtered by scope: everyone signed in opens them) ------
    "producers:list": rule(SIGNED_IN),
    "producers:create": rule(SUBJECT_CREATORS),
    "producers:documents_expiring": rule(SIGNED_IN),
    "producers:document_download": rule(REGISTRY, args={"pk": "document"}),
    "producers:detail": rule(REGISTRY, args={"pk": "subject"}),
    "producers:edit": rule(EDITORS, args={"pk": "subject"}),
    "producers:document_add": rule(EDITORS, args={"pk": "subject"}),
    "producers:consultant_add": rule(EDITORS, args={"pk": "subject"}),
    "producers:invitation_create": rule(INVITERS, args={"pk": "subject"}),
    "producers:invitation_act": rule(
        INVITERS, args={"pk": "subject", "invitation_pk": "invitation"}
    ),
    # registry import/export (the exports are filtered by scope, like the lists) ---
    "registry_export:products": rule(SIGNED_IN),
    "registry_export:subjects": rule(SIGNED_IN),
    "products_import:upload": rule(REGISTRY_KEEPERS),
    "products_import:preview": rule(REGISTRY_KEEPERS, args={"pk": "import"}),
    "products_import:apply": rule(REGISTRY_KEEPERS, args={"pk": "import"}),
    "products_import:progress": rule(REGISTRY_KEEPERS, args={"pk": "import"}),
    "products_import:status": rule(REGISTRY_KEEPERS, args={"pk": "import"}),
    "products_import:result": rule(REGISTRY_KEEPERS, args={"pk": "import"}),
    # products --------------------------------------------------------------------
    "products:list": rule(SIGNED_IN),
    "products:create": rule(EDITORS, args={"subject_pk": "subject"}),
    "products:detail": rule(REGISTRY, args={"pk": "product"}),
    "products:edit": rule(EDITORS, args={"pk": "product"}),
    "products:image_add": rule(EDITORS, args={"pk": "product"}),
    "products:image": rule(REGISTRY, args={"pk": "product", "image_pk": "image"}),
    "products:image_thumb": rule(REGISTRY, args={"pk": "product", "image_pk": "image"}),
    # criteria: national rules, not scoped ------------------------------------------
    "criteria:list": rule(CRITERIA_READERS),
    "criteria:detail": rule(CRITERIA_READERS, out=SAME, args={"pk": "sheet"}),
    "criteria:pdf": rule(CRITERIA_READERS, out=SAME, args={"pk": "sheet"}),
    "criteria:download": rule(CRITERIA_READERS, out=SAME, args={"pk": "sheet", "fmt": "=json"}),
    # Confirming a flagged sheet: central and provincial administrators only
    # (criteria.rules.FLAG_CONFIRMER_ROLES); sheets are national.
    "criteria:confirm_flags": rule(roles(PA, CEA), out=SAME, args={"pk": "sheet"}),
    # evaluation: the in-scope council is Thanh Hóa's, with the council member as
    # an ordinary member (not the chair or the secretary) ----------------------------
    "evaluation:home": rule(SIGNED_IN),
    "evaluation:what_if": rule(NATIONAL),
    "evaluation:council_create": rule(COUNCIL_MANAGERS),
    "evaluation:council": rule(COUNCIL_VIEWERS, args={"pk": "council"}),
    "evaluation:council_edit": rule(COUNCIL_MANAGERS, args={"pk": "council"}),
    "evaluation:member_add": rule(COUNCIL_VIEWERS, args={"pk": "council"}, note=DOMAIN),
    "evaluation:session_create": rule(COUNCIL_MANAGERS, args={"pk": "council"}),
    "evaluation:member_remove": rule(COUNCIL_VIEWERS, args={"pk": "member"}, note=DOMAIN),
    "evaluation:sessions": rule(SIGNED_IN),  # the sessions each person may see (as the home)
    "evaluation:session": rule(COUNCIL_VIEWERS, args={"pk": "session"}),
    # Editing a session: its managers (the office; the chair and the secretary,
    # who are not the matrix's council member); the open session sends them back.
    "evaluation:session_edit": rule(COUNCIL_MANAGERS, args={"pk": "session"}),
    "evaluation:session_state": rule(
        COUNCIL_VIEWERS, args={"pk": "session"}, data={"action": "=close"}, note=DOMAIN
    ),
    "evaluation:attendance": rule(COUNCIL_VIEWERS, args={"pk": "session"}, note=DOMAIN),
    "evaluation:item_add": rule(
        COUNCIL_VIEWERS, args={"pk": "session"}, data={"product": "product"}, note=DOMAIN
    ),
    "evaluation:conflict_add": rule(COUNCIL_VIEWERS, args={"pk": "session"}, note=DOMAIN),
    "evaluation:minutes_pdf": rule(COUNCIL_VIEWERS, args={"pk": "session"}),
    "evaluation:results_xlsx": rule(COUNCIL_VIEWERS, args={"pk": "session"}),
    "evaluation:recusal": rule(COUNCIL_VIEWERS, args={"pk": "conflict"}, note=DOMAIN),
    "evaluation:item": rule(COUNCIL_VIEWERS, args={"pk": "item"}),
    "evaluation:item_remove": rule(COUNCIL_VIEWERS, args={"pk": "item"}, note=DOMAIN),
    "evaluation:item_withdraw": rule(COUNCIL_VIEWERS, args={"pk": "item"}, note=DOMAIN),
    "evaluation:new_round": rule(COUNCIL_VIEWERS, args={"pk": "item"}, note=DOMAIN),
    "evaluation:item_cases": rule(COUNCIL_VIEWERS, args={"pk": "item"}, note=DOMAIN),
    "evaluation:document": rule(COUNCIL_VIEWERS, args={"pk": "item", "doc": "document"}),
    # A member's own sheet, not submitted: no one else reads it.
    "evaluation:scoresheet": rule(roles(CM), args={"pk": "scoresheet"}),
    "evaluation:answer": rule(roles(CM), args={"pk": "scoresheet"}),
    "evaluation:comment": rule(roles(CM), args={"pk": "scoresheet"}),
    "evaluation:sync": rule(roles(CM), args={"pk": "scoresheet"}),  # answers sent after offline
    "evaluation:sw": rule(EVERYONE),  # the service worker script, public like a static file
    "evaluation:submit": rule(roles(CM), args={"pk": "scoresheet"}),
    "evaluation:reopen": rule(COUNCIL_VIEWERS, args={"pk": "scoresheet"}, note=DOMAIN),
    "evaluation:scoresheet_pdf": rule(roles(CM), args={"pk": "scoresheet"}),
    # cycles: the in-scope dossier is submitted; the draft one is still editable ---------
    "cycles:dossiers": rule(SIGNED_IN),
    "cycles:dossier_create": rule(PRODUCER_SIDE),
    "cycles:dossier": rule(DOSSIER_READERS, args={"pk": "dossier"}),
    "cycles:dossier_act": rule(DOSSIER_READERS, args={"pk": "dossier"}, note=DOMAIN),
    "cycles:dossier_document_add": rule(PRODUCER_SIDE, args={"pk": "draft_dossier"}),
    "cycles:dossier_document_link": rule(
        DOSSIER_READERS,
        args={"pk": "draft_dossier"},
        data={"evidence": "document"},
        note=DOMAIN,
    ),
    "cycles:dossier_document_unlink": rule(
        DOSSIER_READERS, args={"pk": "dossier", "doc": "dossier_doc"}, note=DOMAIN
    ),
    "cycles:self_assessment": rule(DOSSIER_READERS, args={"pk": "dossier"}),
    "cycles:self_answer": rule(DOSSIER_READERS, args={"pk": "dossier"}, note=DOMAIN),
    "cycles:self_cases": rule(DOSSIER_READERS, args={"pk": "dossier"}, note=DOMAIN),
    "cycles:commune_check": rule(DOSSIER_READERS, args={"pk": "dossier"}, note=DOMAIN),
    "cycles:commune_answer": rule(DOSSIER_READERS, args={"pk": "dossier"}, note=DOMAIN),
    "cycles:dossier_copy": rule(DOSSIER_READERS, args={"pk": "dossier"}, note=DOMAIN),
    "cycles:dossier_schedule": rule(DOSSIER_READERS, args={"pk": "dossier"}, note=DOMAIN),
    "cycles:dossier_version": rule(DOSSIER_READERS, args={"pk": "dossier", "n": "=1"}),
    "cycles:cycles": rule(SIGNED_IN),
    "cycles:cycle_create": rule(CYCLE_MANAGERS),
    # A province's cycle (its calendar) is read by everyone of the province.
    "cycles:cycle": rule(SIGNED_IN, args={"pk": "cycle"}),
    "cycles:cycle_edit": rule(CYCLE_MANAGERS, args={"pk": "cycle"}),
    "cycles:phase_set": rule(CYCLE_MANAGERS, args={"pk": "cycle"}),
    "cycles:round_add": rule(CYCLE_MANAGERS, args={"pk": "cycle"}),
    "cycles:ideas": rule(SIGNED_IN),
    "cycles:idea_register": rule(PRODUCER_SIDE),
    "cycles:idea": rule(DOSSIER_READERS, args={"pk": "idea"}),
    "cycles:idea_action": rule(DOSSIER_READERS, args={"pk": "idea"}, note=DOMAIN),
    "cycles:plan_submit": rule(PRODUCER_SIDE, args={"pk": "idea"}),
    "cycles:plan_file": rule(DOSSIER_READERS, args={"pk": "planned_idea"}),
    "cycles:tasks": rule(SIGNED_IN),
    # inspections: complaints and flags of the product's province ----------------------
    "inspections:list": rule(HANDLERS),
    "inspections:complaint": rule(HANDLERS, args={"pk": "complaint"}),
    "inspections:complaint_act": rule(HANDLERS, args={"pk": "complaint"}),
    "inspections:stamp": rule(HANDLERS, args={"pk": "stamp"}),
    "inspections:stamp_clear": rule(HANDLERS, args={"pk": "stamp"}),
    # inspections: plans and visits of the province (inspections.rules.PLAN_VIEWER_ROLES);
    # who prepares, approves, records and decides is checked by the domain functions.
    "inspections:plans": rule(HANDLERS),
    "inspections:plan_create": rule(HANDLERS, note=DOMAIN),
    "inspections:plan": rule(HANDLERS, args={"pk": "inspection_plan"}),
    "inspections:plan_act": rule(HANDLERS, args={"pk": "inspection_plan"}, note=DOMAIN),
    "inspections:plan_add": rule(HANDLERS, args={"pk": "inspection_plan"}, note=DOMAIN),
    "inspections:plan_remove": rule(HANDLERS, args={"pk": "inspection_plan"}, note=DOMAIN),
    "inspections:plan_repropose": rule(HANDLERS, args={"pk": "inspection_plan"}, note=DOMAIN),
    "inspections:plan_assign": rule(HANDLERS, args={"pk": "inspection_plan"}, note=DOMAIN),
    "inspections:visits": rule(HANDLERS),
    "inspections:visit": rule(HANDLERS, args={"pk": "visit"}),
    "inspections:visit_answers": rule(HANDLERS, args={"pk": "visit"}, note=DOMAIN),
    "inspections:visit_photo": rule(HANDLERS, args={"pk": "visit"}, note=DOMAIN),
    "inspections:photo_file": rule(HANDLERS, args={"pk": "visit", "photo": "photo"}),
    "inspections:visit_ack": rule(HANDLERS, args={"pk": "visit"}, note=DOMAIN),
    "inspections:visit_action": rule(HANDLERS, args={"pk": "visit"}, note=DOMAIN),
    "inspections:visit_close": rule(HANDLERS, args={"pk": "visit"}, note=DOMAIN),
    "inspections:visit_cancel": rule(HANDLERS, args={"pk": "visit"}, note=DOMAIN),
    "inspections:visit_void": rule(HANDLERS, args={"pk": "proposing_visit"}, note=DOMAIN),
    "inspections:visit_revisit": rule(HANDLERS, args={"pk": "proposing_visit"}, note=DOMAIN),
    "inspections:visit_pdf": rule(HANDLERS, args={"pk": "visit"}),
    "inspections:proposal_act": rule(HANDLERS, args={"pk": "proposing_visit"}, note=DOMAIN),
    "inspections:figures": rule(HANDLERS),
    "inspections:sw": rule(EVERYONE),  # the service worker script, public like a static file
    "inspections:visit_sync": rule(HANDLERS, args={"pk": "visit"}, note=DOMAIN),
    # traceability --------------------------------------------------------------------
    "traceability:batch_list": rule(REGISTRY, args={"product_pk": "stamp_product"}),
    "traceability:batch_create": rule(PRODUCER_SIDE, args={"product_pk": "stamp_product"}),
    "traceability:batch_detail": rule(REGISTRY, args={"pk": "production"}),
    "traceability:batch_edit": rule(PRODUCER_SIDE, args={"pk": "production"}),
    "traceability:event_add": rule(PRODUCER_SIDE, args={"pk": "production"}),
    "traceability:event_correct": rule(
        PRODUCER_SIDE, args={"pk": "production", "event_pk": "trace_event"}
    ),
    "traceability:event_withdraw": rule(
        PRODUCER_SIDE, args={"pk": "production", "event_pk": "trace_event"}
    ),
    "traceability:batch_epcis": rule(REGISTRY, args={"pk": "production"}),
    # certification: the in-scope certificate comes from a Thanh Hóa decision ---------
    "certification:certificates": rule(SIGNED_IN),
    "certification:certificate": rule(REGISTRY, args={"pk": "certificate"}),
    "certification:certificate_revoke": rule(REVOKERS, args={"pk": "certificate"}),
    "certification:certificate_pdf": rule(REGISTRY, args={"pk": "certificate"}),
    "certification:decisions": rule(SIGNED_IN),
    "certification:sessions_awaiting": rule(COUNCIL_MANAGERS),
    "certification:decision_draft": rule(
        COUNCIL_VIEWERS, args={"session_pk": "closed_session"}, note=DOMAIN
    ),
    "certification:decision": rule(REGISTRY, args={"pk": "decision"}),
    "certification:decision_state": rule(REGISTRY, args={"pk": "decision"}, note=DOMAIN),
    "certification:decision_item_remove": rule(
        REGISTRY, args={"pk": "decision", "item_pk": "decision_item"}, note=DOMAIN
    ),
    "certification:decision_pdf": rule(REGISTRY, args={"pk": "decision"}),
    # stamps ---------------------------------------------------------------------------
    "stamps:list": rule(SIGNED_IN),
    "stamps:request": rule(PRODUCER_SIDE, args={"product_pk": "stamp_product"}),
    "stamps:batch": rule(STAMP_VIEWERS, args={"pk": "stamp_batch"}),
    "stamps:act": rule(STAMP_VIEWERS, args={"pk": "stamp_batch"}, note=DOMAIN),
    "stamps:labels": rule(LABEL_PRINTERS, args={"pk": "stamp_batch"}),
    "stamps:labels_prepare": rule(STAMP_VIEWERS, args={"pk": "stamp_batch"}, note=DOMAIN),
    "stamps:labels_status": rule(LABEL_PRINTERS, args={"pk": "stamp_batch"}),
    "stamps:void": rule(LABEL_PRINTERS, args={"pk": "stamp_batch"}),
    "stamps:making_status": rule(STAMP_VIEWERS, args={"pk": "stamp_batch"}),
    "stamps:making_resume": rule(STAMP_VIEWERS, args={"pk": "stamp_batch"}, note=DOMAIN),
    # events: the in-scope activity is an internal class of Thanh Hóa (not on the
    # public calendar) that the producer is registered for ------------------------------
    "events:list": rule(EVENT_READERS),
    "events:new": rule(EVENT_MANAGERS),
    "events:calendar": rule(EVERYONE),
    "events:topics": rule(TOPIC_MANAGERS),
    "events:topic_edit": rule(TOPIC_MANAGERS, out=SAME, args={"tid": "topic"}),
    "events:activity": rule(ACTIVITY_VIEWERS, args={"pk": "activity"}),
    "events:edit": rule(ACTIVITY_MANAGERS, args={"pk": "activity"}),
    "events:state": rule(ACTIVITY_VIEWERS, args={"pk": "activity"}, note=DOMAIN),
    "events:files": rule(ACTIVITY_MANAGERS, args={"pk": "activity"}),
    # Files of an internal activity are for its managers only.
    "events:file": rule(ACTIVITY_MANAGERS, args={"pk": "activity", "fid": "activity_file"}),
    "events:file_delete": rule(ACTIVITY_MANAGERS, args={"pk": "activity", "fid": "activity_file"}),
    "events:report_after": rule(ACTIVITY_MANAGERS, args={"pk": "activity"}),
    # Anyone signed in registers online for a public activity open for registration.
    "events:register": rule(SIGNED_IN, out=SAME, args={"pk": "public_activity"}),
    "events:mine": rule(SIGNED_IN),
    "events:registration": rule(REGISTRATION_VIEWERS, args={"token": "registration.token"}),
    "events:registration_cancel": rule(
        REGISTRATION_VIEWERS, args={"token": "registration.token"}, note=DOMAIN
    ),
    "events:certificate": rule(REGISTRATION_VIEWERS, args={"token": "registration.token"}),
    "events:participants": rule(ACTIVITY_MANAGERS, args={"pk": "activity"}),
    "events:import": rule(ACTIVITY_MANAGERS, args={"pk": "activity"}),
    "events:import_template": rule(ACTIVITY_MANAGERS, args={"pk": "activity"}),
    "events:checkin": rule(ACTIVITY_MANAGERS, args={"pk": "activity"}),
    "events:scan": rule(ACTIVITY_MANAGERS, args={"token": "registration.token"}),
    "events:certificates": rule(ACTIVITY_MANAGERS, args={"pk": "activity"}),
    "events:head_counts": rule(ACTIVITY_MANAGERS, args={"pk": "activity"}),
    "events:distributions": rule(EVENT_READERS),
    "events:distribution_new": rule(EVENT_MANAGERS),
    # The in-scope records are of commune X: its commune officer manages them.
    "events:distribution_delete": rule(EVENT_MANAGERS, args={"pk": "distribution"}),
    "events:supports": rule(EVENT_READERS),
    "events:support_new": rule(EVENT_MANAGERS),
    "events:support_delete": rule(EVENT_MANAGERS, args={"pk": "support"}),
    "events:subject_history": rule(REGISTRY, args={"pk": "subject"}),
    "events:untrained": rule(EVENT_READERS),
    "events:report": rule(EVENT_READERS),
    # stats: the official report tables (stats.rules.REPORT_ROLES) ---------------------
    "stats:report": rule(REPORT_READERS),
    "stats:report_xlsx": rule(REPORT_READERS),
    "stats:report_pdf": rule(REPORT_READERS),
    # api: public reference data (its own tests: tests/geo/test_search.py) ---------------
    "api:openapi-json": rule(EVERYONE),
    "api:openapi-view": rule(EVERYONE),
    "api:units": rule(EVERYONE, query="q=Thanh"),
    "api:api-root": rule(NOBODY, note="django-ninja's root answers 404: there is no index."),
    "api:unknown": rule(NOBODY, path="/api/v1/no/such/operation", note="JSON 404"),
    # api: the back office, called with each person's personal API token (401
    # without one); the same visibility as the pages (an object outside it: 404).
    # A list answers everyone with a token (empty when nothing is in scope).
    "api:office_subjects": rule(SIGNED_IN),
    "api:office_subject_create": rule(SIGNED_IN, note="same URL as office_subjects (GET lists)"),
    "api:office_subject": rule(REGISTRY, args={"subject_id": "subject"}),
    "api:office_subject_update": rule(REGISTRY, args={"subject_id": "subject"}),
    "api:office_products": rule(SIGNED_IN),
    "api:office_product_create": rule(SIGNED_IN, note="same URL as office_products (GET lists)"),
    "api:office_product": rule(REGISTRY, args={"product_id": "product"}),
    "api:office_product_update": rule(REGISTRY, args={"product_id": "product"}),
    "api:office_documents": rule(SIGNED_IN),
    "api:office_dossiers": rule(SIGNED_IN),
    # A commune officer's token cannot read another commune's dossier: 404 (out-scope).
    "api:office_dossier": rule(DOSSIER_READERS, args={"dossier_id": "dossier"}),
    "api:office_sessions": rule(SIGNED_IN),
    "api:office_session": rule(COUNCIL_VIEWERS, args={"session_id": "session"}),
    "api:office_certificates": rule(SIGNED_IN),
    "api:office_stamp_batches": rule(SIGNED_IN),
    "api:office_stamp_request": rule(SIGNED_IN, note="same URL as office_stamp_batches"),
    "api:office_activities": rule(SIGNED_IN),
    "api:office_participants": rule(ACTIVITY_MANAGERS, args={"activity_id": "activity"}),
    "api:office_participant_add": rule(ACTIVITY_MANAGERS, args={"activity_id": "activity"}),
    # api: public data (no token; the same objects for everyone).
    "api:public_products": rule(EVERYONE),
    "api:public_product": rule(EVERYONE, out=SAME, args={"product_id": "stamp_product"}),
    "api:public_subjects": rule(EVERYONE),
    "api:public_subject": rule(EVERYONE, out=SAME, args={"subject_id": "subject"}),
    "api:public_certificates": rule(EVERYONE),
    "api:public_certificate": rule(EVERYONE, out=SAME, args={"certificate_id": "certificate"}),
    "api:public_verify": rule(EVERYONE, query="serial=38-00000001-A", note="a verdict for all"),
    "api:public_points_of_sale": rule(EVERYONE),
    "api:public_listings": rule(EVERYONE),
    "api:public_events": rule(EVERYONE),
    "api:public_certified": rule(EVERYONE),
    "api:public_changes": rule(EVERYONE, query="start=2025-01-01&end=2025-12-31"),
    # verify: the public pages of QR codes --------------------------------------------------
    "verify:where": rule(EVERYONE, out=SAME, args={"token": "stamp.token"}),
    "verify:stamp": rule(EVERYONE, out=SAME, args={"token": "stamp.token"}),
    "verify:certificate_image": rule(EVERYONE, out=SAME, args={"token": "certificate.token"}),
    "verify:certificate": rule(EVERYONE, out=SAME, args={"token": "certificate.token"}),
    "verify:gs1": rule(EVERYONE, out=SAME, args={"rest": "{stamp_product.gtin}/21/{stamp.token}"}),
    "verify:gs1resolver": rule(EVERYONE),
    # A compressed GS1 Digital Link: 307 to its uncompressed form.
    "gs1_compressed": rule(EVERYONE, out=SAME, path="/DBA-WvSoJugDYToj40JEZUpk51KFaVo"),
    # The catch-all for malformed codes: the counterfeit warning (400) for everyone.
    "ocop.stamps.views_public.verify_page": rule(EVERYONE, out=SAME, path="/s/abc/def/ghi"),
    "complaints:report": rule(EVERYONE),
    "complaints:report_sent": rule(EVERYONE),
    # portal: the public catalogue (the in-scope product with a public page is the
    # certified ``stamp_product``; a wrong slug or a bare id redirects to the canonical URL).
    "verify:serial": rule(EVERYONE),
    "portal:catalogue": rule(EVERYONE),
    "portal:product_by_id": rule(EVERYONE, out=SAME, args={"pk": "stamp_product"}),
    "portal:product": rule(EVERYONE, out=SAME, args={"slug": "=x", "pk": "stamp_product"}),
    "portal:image": rule(EVERYONE, out=SAME, args={"image_pk": "public_image"}),
    "portal:image_thumb": rule(EVERYONE, out=SAME, args={"image_pk": "public_image"}),
    "portal:producer": rule(EVERYONE, out=SAME, args={"slug": "=x", "pk": "subject"}),
    "portal:profile_edit": rule(EDITORS, args={"pk": "subject"}),  # portal.can_edit_profile
    "portal:feed_json": rule(EVERYONE),
    "portal:feed_csv": rule(EVERYONE),
    # opendata: public downloads, dictionaries and the catalogue
    "opendata:index": rule(EVERYONE),
    "opendata:catalogue": rule(EVERYONE),
    "opendata:dictionary": rule(EVERYONE, out=SAME, args={"slug": "=products"}),
    "opendata:download": rule(EVERYONE, out=SAME, args={"slug": "=products", "fmt": "=csv"}),
    # exchange: a province's officers export, the central office imports
    "exchange:index": rule(roles(PO, PA, CEO, CEA)),
    "exchange:export": rule(roles(PO, PA)),
    "exchange:import": rule(NATIONAL),
    "exchange:package": rule(roles(PO, PA, CEO, CEA), args={"pk": "exchange_package"}),
    "portal:robots": rule(EVERYONE),
    "portal:sitemap": rule(EVERYONE),
    "portal:sitemap_section": rule(EVERYONE, out=SAME, args={"section": "=products"}),
    # trade: the back office (the in-scope objects are in commune X / of subject X) …
    "stats:targets": rule(OFFICERS),
    "stats:target_new": rule(TARGET_SETTERS),
    "stats:target_edit": rule(TARGET_SETTERS, args={"pk": "province_target"}),
    "stats:target_remove": rule(TARGET_SETTERS, args={"pk": "province_target"}),
    "trade:overview": rule(TRADE_READERS | {P, C}),
    "trade:points": rule(TRADE_READERS),
    "trade:point_new": rule(POINT_MANAGERS),
    "trade:point_edit": rule(POINT_MANAGERS, args={"pk": "point_of_sale"}),
    "trade:point_delete": rule(POINT_MANAGERS, args={"pk": "point_of_sale"}),
    "trade:product": rule(REGISTRY, args={"pk": "product"}),
    "trade:listing_add": rule(REGISTRY, args={"pk": "product"}, note=DOMAIN),
    "trade:listing_delete": rule(EDITORS, args={"pk": "listing"}),
    "trade:export_add": rule(REGISTRY, args={"pk": "product"}, note=DOMAIN),
    "trade:export_delete": rule(EDITORS, args={"pk": "export_market"}),
    "trade:inquiries": rule(INQUIRY_HANDLERS),
    "trade:inquiry": rule(INQUIRY_HANDLERS, args={"pk": "inquiry"}),
    "trade:inquiry_state": rule(INQUIRY_HANDLERS, args={"pk": "inquiry"}, note=DOMAIN),
    # … and the public pages: points of sale by province, the inquiry form.
    "points:provinces": rule(EVERYONE),
    "points:province": rule(EVERYONE, out=SAME, args={"code": "province_unit.code"}),
    "points:markers": rule(EVERYONE, out=SAME, args={"code": "province_unit.code"}),
    "inquiry:product": rule(EVERYONE, out=SAME, args={"product_id": "stamp_product"}),
    "inquiry:subject": rule(EVERYONE, out=SAME, args={"subject_id": "subject"}),
    "inquiry:sent": rule(EVERYONE),
}
