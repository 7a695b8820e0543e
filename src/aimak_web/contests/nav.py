"""The contest's desk links in the platform's navigation (``aimak_web.core.nav``)."""

from __future__ import annotations

from django.urls import reverse

from .models import Edition


def jury_desk(request) -> str | None:
    """The jury list of the newest edition where the person has a seat."""
    user = request.user
    ed = (Edition.objects.filter(jurors__user=user).exclude(state=Edition.State.SETUP)
          .order_by("-year").first())
    return reverse("contests:jury", args=[ed.year]) if ed else None


def my_application(request) -> str | None:
    """The application page of the newest edition open to applications (staff of a body)."""
    if not request.user.municipality_id:
        return None
    ed = (Edition.objects.exclude(state=Edition.State.SETUP).order_by("-year").first())
    return reverse("contests:apply", args=[ed.year]) if ed else None
