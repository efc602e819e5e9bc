"""What makes the kept dashboard figures stale (``domain/cache.bump``): the
domain writes that go through ``save()``/``delete()`` of the models the
figures count. Writes that send no signal show within the cache's timeout."""

from django.db.models.signals import post_delete, post_save

from ocop.certification.models import Certificate, Decision, Revocation
from ocop.cycles.models import Dossier, Idea
from ocop.evaluation.models import AgendaItem, Scoresheet, Session
from ocop.events.models import Activity, Registration
from ocop.inspections.models import Complaint, FlagReview
from ocop.producers.models import EvidenceDocument, Subject
from ocop.products.models import Product
from ocop.stamps.models import StampBatch

from .domain import cache
from .models import NationalTarget, ProvinceTarget

WATCHED = (
    Certificate,
    Decision,
    Revocation,
    Product,
    Subject,
    EvidenceDocument,
    Dossier,
    Idea,
    Session,
    AgendaItem,
    Scoresheet,
    StampBatch,
    Complaint,
    FlagReview,
    Activity,
    Registration,
    ProvinceTarget,
    NationalTarget,
)


def _changed(sender, **kwargs):
    cache.bump()


def connect() -> None:
    for model in WATCHED:
        post_save.connect(
            _changed, sender=model, dispatch_uid=f"ocop.stats.cache.{model.__name__}.save"
        )
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"ocop.stats.cache.{model.__name__}.delete"
        )
