from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "aimak_web.journal"
    label = "journal"
    verbose_name = _("Journal «Municipality»")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from aimak_web.core import nav
        from aimak_web.core.demo import register as register_demo
        from aimak_web.practices import search

        from . import models
        from .demo import load_demo

        for m in (models.Expert, models.Article, models.Consultation, models.MembershipList,
                  models.Payment, models.Subscription):
            auditlog.register(m)
        search.register(models.Article, ("title",), ("lead", "body"))
        search.register(models.Consultation, ("title",), ("question", "answer"))
        nav.register(nav.Link(
            "journal", _("Journal «Municipality»"), "journal:index",
            _("Legal consultations, legislation news, experts' articles, villagers' stories "
              "and research; subscription and the digest."), order=45))
        nav.register(nav.Link(
            "journal_desk", _("Journal: questions and subscription"), "journal:desk",
            _("Your legal questions, their answers and your subscription."),
            section=nav.DESK, namespaces=(), order=35))
        nav.register(nav.Link(
            "journal_office", _("Journal office"), "journal:office",
            _("Moderate the journal's articles and legal questions."),
            roles=frozenset({"moderator", "admin"}), section=nav.DESK, namespaces=(),
            order=56, what_for=(("admin", _(
                "Moderate journal items, keep the Union's membership list, record payments."
            )),)))
        register_demo(load_demo)
