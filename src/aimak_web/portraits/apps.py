from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortraitsConfig(AppConfig):
    """Rayon portraits: a page per rayon composed from what the other apps know."""

    name = "aimak_web.portraits"
    label = "portraits"
    verbose_name = _("Rayon portraits")

    def ready(self) -> None:
        from aimak_web.core import nav

        nav.register(nav.Link(
            "portraits", _("Rayon portraits"), "portraits:index",
            _("A rayon's local self-government bodies in one page: population, hearings and "
              "participation, contest results, practices, forecasts and merger scenarios."),
            order=47))
