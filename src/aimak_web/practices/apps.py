from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "aimak_web.practices"
    label = "practices"
    verbose_name = _("Practices")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete, post_save

        from aimak_web.core.demo import register as register_demo
        from aimak_web.places.sections import register as register_section

        from . import models
        from .demo import load_demo
        from .search import index_practice, unindex_practice
        from .sections import municipality_section

        auditlog.register(models.Practice, m2m_fields={"municipalities"})
        auditlog.register(models.Evidence)
        auditlog.register(models.Attachment)
        for m in (models.Theme, models.SubTheme, models.Edition, models.Category,
                  models.Criterion, models.Entry, models.JuryScore, models.Recusal,
                  models.Vote, models.Subscription, models.MunicipalitySubscription):
            auditlog.register(m)

        def _index(sender, instance, **kwargs):
            index_practice(instance)

        def _unindex(sender, instance, **kwargs):
            unindex_practice(instance.pk)

        post_save.connect(_index, sender=models.Practice, weak=False,
                          dispatch_uid="practices_fts_save")
        post_delete.connect(_unindex, sender=models.Practice, weak=False,
                            dispatch_uid="practices_fts_delete")
        register_section(municipality_section)
        register_demo(load_demo)

        from aimak_web.core.files import register as register_files

        from .files import attachment_access

        register_files("practices/", attachment_access)
