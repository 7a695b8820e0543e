from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastsConfig(AppConfig):
    name = "aimak_web.forecasts"
    label = "forecasts"
    verbose_name = _("Forecasts")

    def ready(self) -> None:
        from aimak_web.core.demo import register
        from aimak_web.places.sections import register as register_section

        from .sections import municipality_section
        from .service import warm

        register(warm)
        register_section(municipality_section)
