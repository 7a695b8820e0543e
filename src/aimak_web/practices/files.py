"""Who may open a practice's photos and documents at ``/media/practices/…`` (core.files)."""

from __future__ import annotations

from aimak_web.core.files import PRIVATE, PUBLIC

from .models import Attachment
from .rules import can


def attachment_access(request, path: str) -> str | bool | None:
    """Published practices' files: everyone; a draft's: those who may view the practice."""
    found = Attachment.objects.select_related("practice").filter(file=path).first()
    if found is None:
        return None
    practice = found.practice
    if practice.status == "published":
        return PUBLIC
    return PRIVATE if can(request.user, "practices.view_practice", practice) else False
