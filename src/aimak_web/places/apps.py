from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "aimak_web.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Municipality, Oblast, Rayon, Settlement

        for model in (Oblast, Rayon, Municipality, Settlement):
            auditlog.register(model, exclude_fields=["search_keys", "territory"])
        from aimak_web.core.home import register

        from .views import home_directory

        register(home_directory)
