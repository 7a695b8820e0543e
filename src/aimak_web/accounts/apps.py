from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aimak_web.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in

        from .backends import clear_own_failures
        from .models import ResidentEntry, StaffRequest, User

        user_logged_in.connect(clear_own_failures, dispatch_uid="aimak-clear-own-failures")

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(ResidentEntry)
        auditlog.register(StaffRequest)
