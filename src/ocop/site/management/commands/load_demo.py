"""Demo data: Thanh Hóa province, its coordination office, a few communes,
one account of each role and a handful of (fictional) subjects and products;
the provincial evaluation council with a session planned for today (once the
criteria sheets are loaded: ``manage.py load_criteria --shipped``); this
year's cycle with a closed and an open round;
the certified products' recognition decisions and certificates (once the
certification rules are loaded: ``manage.py load_certification_rules``), a
production batch with its traceability steps and OCOP stamps for one of them;
training, publicity and support activities; points of sale, online listings,
export markets and a buyer's inquiry; a subject's public page; the inspection
plan of the year with a visit assigned to the inspector (once ``manage.py
load_inspection_data`` has run).

Each app owns its part in ``ocop/<app>/demo.py``: a ``load(*, ctx)`` that
reads what the apps before it put on ``ctx`` (the province, communes,
subjects, users...) and adds its own; this command only calls them in
dependency order, in one transaction. Idempotent: a second run changes
nothing. Every date is relative to the day of the first run (``ctx.today``,
``timezone.localdate()``), so that the README's scenario works on any day:
the session can open and close today and its decision be issued today, and
the demo shows a valid certificate, one that expires soon, an evidence
document about to expire and one expired. No loader writes a fixed date.
Logins: README or ``manage.py demo_logins``."""

from types import SimpleNamespace

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from ocop.accounts import demo as accounts_demo
from ocop.certification import demo as certification_demo
from ocop.cycles import demo as cycles_demo
from ocop.evaluation import demo as evaluation_demo
from ocop.events import demo as events_demo
from ocop.geo import demo as geo_demo
from ocop.inspections import demo as inspections_demo
from ocop.portal import demo as portal_demo
from ocop.producers import demo as producers_demo
from ocop.products import demo as products_demo
from ocop.stamps import demo as stamps_demo
from ocop.traceability import demo as traceability_demo
from ocop.trade import demo as trade_demo

# Lowest first: each reads only what the ones before it made.
LOADERS = (
    geo_demo,  # ctx.province, ctx.communes
    accounts_demo,  # ctx.office, ctx.users, ctx.subject_roles
    producers_demo,  # ctx.subjects (and the subject-scoped role assignments)
    products_demo,  # ctx.products
    evaluation_demo,  # ctx.session
    cycles_demo,  # ctx.cycle
    certification_demo,  # ctx.certified
    traceability_demo,  # ctx.lot
    stamps_demo,  # ctx.stamp
    events_demo,
    trade_demo,  # points of sale, listings, export markets, an inquiry
    inspections_demo,  # ctx.visit
    portal_demo,  # the public page of a subject (consent to publish)
)


class Command(BaseCommand):
    help = "Load the demo data set (Thanh Hóa). Run load_admin_units first."

    @transaction.atomic
    def handle(self, *args, **options):
        ctx = SimpleNamespace(today=timezone.localdate(), notes=[])
        for loader in LOADERS:
            loader.load(ctx=ctx)
        self.stdout.write(
            f"Demo data: {len(ctx.subjects)} subjects, {len(ctx.products)} products, "
            f"{len(ctx.users)} accounts in {ctx.province.full_name}"
        )
        for line in ctx.notes:
            self.stdout.write(line)
