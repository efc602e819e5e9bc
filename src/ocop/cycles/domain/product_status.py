"""A product's OCOP status follows its dossier (a watcher of the dossier
workflow, registered in ``CyclesConfig.ready``):

- submitted → "in evaluation" (the status before is kept on the dossier);
  a certified product stays "certified" while its renewal or upgrade is
  evaluated, since its certificate is still in force;
- returned for supplements, withdrawn, or evaluated without reaching a star
  → the status before is restored;
- evaluated with a star → "in evaluation" until the recognition decision is
  issued (certification then sets "certified").

Each change is logged (``ocop.product.status``) by the products domain.
"""

from django.utils.translation import gettext as _

from ocop.core.workflow import Move
from ocop.cycles.enums import DossierState
from ocop.cycles.models import Dossier
from ocop.products.domain.products import set_evaluation_status
from ocop.products.enums import OcopStatus
from ocop.products.models import Product

ENDS_WITHOUT_RESULT = {"return", "province_return", "withdraw"}


def follow_dossier(move: Move) -> None:
    """Keep the dossier's product status true after ``move`` (a watcher)."""
    dossier: Dossier = move.obj
    action = move.action
    if action == "submit":
        _start(dossier, move)
    elif action in ENDS_WITHOUT_RESULT and move.source != DossierState.DRAFT:
        _restore(dossier, move, reason=_("The dossier was %(what)s.") % {"what": _label(move)})
    elif action == "evaluated":
        item = dossier.agenda_item
        if item is not None and not item.achieved:
            _restore(dossier, move, reason=_("The council's result: no star reached."))


def _label(move: Move) -> str:
    return str(DossierState(move.target).label)


def _start(dossier: Dossier, move: Move) -> None:
    product = Product.objects.get(pk=dossier.product_id)
    if product.status in (OcopStatus.CERTIFIED, OcopStatus.IN_EVALUATION):
        return
    Dossier.objects.filter(pk=dossier.pk).update(product_status_before=product.status)
    dossier.product_status_before = product.status
    set_evaluation_status(
        product=product,
        status=OcopStatus.IN_EVALUATION,
        by=move.by,
        reason=_("The evaluation dossier was submitted."),
        data={"dossier": dossier.pk},
    )


def _restore(dossier: Dossier, move: Move, *, reason: str) -> None:
    product = Product.objects.get(pk=dossier.product_id)
    if product.status != OcopStatus.IN_EVALUATION:
        return
    set_evaluation_status(
        product=product,
        status=dossier.product_status_before or OcopStatus.NONE,
        by=move.by,
        reason=reason,
        data={"dossier": dossier.pk},
    )
