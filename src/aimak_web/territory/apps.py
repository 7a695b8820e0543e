from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "aimak_web.territory"
    label = "territory"
    verbose_name = _("Territory explorer")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from aimak_web.core.demo import register

        from . import demo
        from .models import Job, Scenario, ScenarioVersion

        auditlog.register(Scenario)
        auditlog.register(ScenarioVersion, exclude_fields=["mapping", "summary"])
        auditlog.register(Job, exclude_fields=["result"])
        register(demo.load)
