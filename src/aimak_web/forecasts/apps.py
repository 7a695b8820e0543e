from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastsConfig(AppConfig):
    name = "aimak_web.forecasts"
    label = "forecasts"
    verbose_name = _("Forecasts")

    def ready(self) -> None:
        from aimak_web.core.demo import register

        from .service import warm

        register(warm)
