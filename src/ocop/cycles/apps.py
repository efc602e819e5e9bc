from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "ocop.cycles"
    label = "cycles"
    verbose_name = _("Annual OCOP cycle and dossiers")

    def ready(self):
        from ocop.cycles.domain.dossiers import (  # noqa: PLC0415
            on_item_withdrawn,
            on_result_decided,
        )
        from ocop.evaluation.signals import item_withdrawn, result_decided  # noqa: PLC0415

        result_decided.connect(on_result_decided, dispatch_uid="cycles.result_decided")
        item_withdrawn.connect(on_item_withdrawn, dispatch_uid="cycles.item_withdrawn")
