"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings


def site(request) -> dict:
    user = request.user if hasattr(request, "user") else None
    return {
        "AIMAK_LANGUAGES": settings.LANGUAGES,
        "is_national_admin": bool(user and user.is_authenticated
                                  and (user.is_superuser or user.role == "admin")),
    }
