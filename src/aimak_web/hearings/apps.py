from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HearingsConfig(AppConfig):
    name = "aimak_web.hearings"
    label = "hearings"
    verbose_name = _("Hearings")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from aimak_web.core.demo import register as register_demo
        from aimak_web.places.sections import register as register_section

        from . import demo, sections
        from .models import (
            Answer,
            BudgetLine,
            Comment,
            Document,
            Hearing,
            ModerationDecision,
            Proposal,
            Report,
        )

        auditlog.register(Hearing)
        auditlog.register(BudgetLine)
        auditlog.register(Document)
        auditlog.register(Comment, include_fields=["hidden", "hidden_by", "hidden_reason"])
        auditlog.register(Proposal, exclude_fields=["report_count"],
                          m2m_fields={"supporters"})
        auditlog.register(Answer)
        auditlog.register(ModerationDecision)
        auditlog.register(Report)
        register_section(sections.hearings_section)
        register_demo(demo.load_demo)
