from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "ocop.cycles"
    label = "cycles"
    verbose_name = _("Annual OCOP cycle and dossiers")

    def ready(self):
        from ocop.cycles.domain.dossiers import (  # noqa: PLC0415 -- app ready
            on_item_withdrawn,
            on_result_decided,
        )
        from ocop.cycles.domain.evidence import dossier_evidence  # noqa: PLC0415 -- app ready
        from ocop.cycles.domain.product_status import (  # noqa: PLC0415 -- app ready
            follow_dossier,
        )
        from ocop.cycles.domain.workflow import WORKFLOW  # noqa: PLC0415 -- app ready
        from ocop.evaluation.hooks import register_evidence_provider  # noqa: PLC0415 -- app ready
        from ocop.evaluation.signals import (  # noqa: PLC0415 -- app ready
            item_withdrawn,
            result_decided,
        )

        result_decided.connect(on_result_decided, dispatch_uid="cycles.result_decided")
        item_withdrawn.connect(on_item_withdrawn, dispatch_uid="cycles.item_withdrawn")
        # The dossier's self-assessment and commune report on the scoring page.
        register_evidence_provider(dossier_evidence)
        # The product's status follows its dossier ("in evaluation" and back).
        WORKFLOW.watch(follow_dossier)
