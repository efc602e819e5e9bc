from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "ocop.cycles"
    label = "cycles"
    verbose_name = _("Annual OCOP cycle and dossiers")

    def ready(self):
        from ocop.cycles.domain.dossiers import on_result_decided  # noqa: PLC0415
        from ocop.evaluation.signals import result_decided  # noqa: PLC0415

        result_decided.connect(on_result_decided, dispatch_uid="cycles.result_decided")
