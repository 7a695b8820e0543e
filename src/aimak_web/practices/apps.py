from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _notify(sender, item, step, **kwargs) -> None:
    """The submitter hears of a moderator's step (any moderated model)."""
    from .moderation import NOTIFIED
    from .notify import notify_submitter

    if step in NOTIFIED:
        notify_submitter(item, step)


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
        from .moderation import moderated
        from .sections import municipality_section

        auditlog.register(models.Practice, m2m_fields={"municipalities"})
        auditlog.register(models.Evidence)
        auditlog.register(models.Attachment)
        for m in (models.Theme, models.SubTheme, models.Edition, models.Category,
                  models.Criterion, models.Entry, models.JuryScore, models.Recusal,
                  models.Vote, models.MailOptOut):
            auditlog.register(m)

        search.register(models.Practice, search.PRACTICE.title, search.PRACTICE.body)
        moderated.connect(_notify, weak=False, dispatch_uid="practices_notify_submitter")
        register_section(municipality_section)
        register_demo(load_demo)

        from aimak_web.core.files import register as register_files

        from .files import attachment_access

        register_files("practices/", attachment_access)
