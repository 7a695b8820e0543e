from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "aimak_web.practices"
    label = "practices"
    verbose_name = _("Practices")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from aimak_web.core.demo import register as register_demo
        from aimak_web.places.sections import register as register_section

        from . import models, search
        from .demo import load_demo
        from .sections import municipality_section

        auditlog.register(models.Practice, m2m_fields={"municipalities"})
        auditlog.register(models.Evidence)
        auditlog.register(models.Attachment)
        for m in (models.Theme, models.SubTheme, models.Edition, models.Category,
                  models.Criterion, models.Entry, models.JuryScore, models.Recusal,
                  models.Vote, models.Subscription, models.MunicipalitySubscription,
                  models.MailOptOut):
            auditlog.register(m)

        search.register(models.Practice, search.PRACTICE.title, search.PRACTICE.body)
        register_section(municipality_section)
        register_demo(load_demo)

        from aimak_web.core.files import register as register_files

        from .files import attachment_access

        register_files("practices/", attachment_access)
