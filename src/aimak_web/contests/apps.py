from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "aimak_web.contests"
    label = "contests"
    verbose_name = _("Contests")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import rules  # noqa: F401  (registers the permissions)
        from .models import (
            Application,
            Criterion,
            Edition,
            Evidence,
            JuryInvitation,
            JuryMember,
            Score,
            TieDecision,
        )

        auditlog.register(Edition, exclude_fields=["approved_results"])
        auditlog.register(Criterion)
        auditlog.register(Application)
        auditlog.register(Evidence)
        auditlog.register(JuryMember, m2m_fields={"conflict_rayons", "conflict_municipalities",
                                                  "conflict_applications"})
        auditlog.register(Score)
        auditlog.register(TieDecision)
        auditlog.register(JuryInvitation, exclude_fields=["digest"])

        from aimak_web.core.demo import register

        from .demo import load

        register(load)

        from aimak_web.places.sections import register as register_section

        from .sections import contest_section

        register_section(contest_section)

        from aimak_web.core.nav import DESK, Link
        from aimak_web.core.nav import register as register_link

        from .nav import jury_desk, my_application

        register_link(Link("jury_desk", _("Jury desk"), jury_desk,
                           _("Score the applications assigned to you, criterion by criterion."),
                           roles=frozenset({"jury"}), section=DESK, namespaces=(), order=40))
        register_link(Link("my_application", _("My contest application"), my_application,
                           _("Prepare and submit your municipality's application to the "
                             "participation contest."),
                           roles=frozenset({"municipal_staff"}), section=DESK, namespaces=(),
                           order=35))
