"""Roles asked for in the product: a person asks to act as staff of a municipality; an
administrator, or a staff member of that same municipality, approves or refuses. Every step is
recorded by the audit trail (``StaffRequest`` and ``User`` are registered with it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Role, StaffRequest, User
from .rules import is_admin, is_staff_of


def ask_staff_role(user: User, municipality, position: str) -> StaffRequest:
    """A signed-in person asks to act for ``municipality``."""
    if user.role in (Role.ADMIN, Role.MODERATOR, Role.JURY) or user.is_superuser:
        raise ValidationError(_("Your role cannot be combined with municipal staff: ask an "
                                "administrator."))
    if user.role == Role.MUNICIPAL_STAFF and user.municipality_id == municipality.pk:
        raise ValidationError(_("You already act for this municipality."))
    if StaffRequest.objects.filter(user=user, state=StaffRequest.State.PENDING).exists():
        raise ValidationError(_("You have a request waiting for a decision already."))
    return StaffRequest.objects.create(user=user, municipality=municipality,
                                       position=position.strip())


def may_decide(user: User, request: StaffRequest) -> bool:
    """Administrators, and staff of the requested municipality (not about themselves)."""
    return bool(is_admin(user) or (is_staff_of(user, request.municipality)
                                   and request.user_id != user.pk))


def pending_for(user: User):
    """The requests ``user`` may decide."""
    qs = (StaffRequest.objects.filter(state=StaffRequest.State.PENDING)
          .select_related("user", "municipality"))
    if is_admin(user):
        return qs
    if user.role == Role.MUNICIPAL_STAFF and user.municipality_id:
        return qs.filter(municipality_id=user.municipality_id).exclude(user=user)
    return qs.none()


def decide(by: User, request: StaffRequest, approve: bool, reason: str = "") -> None:
    """Approve (the person becomes staff of the municipality) or refuse, with a reason."""
    if not may_decide(by, request):
        raise PermissionDenied
    if request.state != StaffRequest.State.PENDING:
        raise ValidationError(_("This request is decided already."))
    if not approve and not reason.strip():
        raise ValidationError(_("Say why the request is refused."))
    with transaction.atomic():
        request.state = StaffRequest.State.APPROVED if approve else StaffRequest.State.REFUSED
        request.decided_by, request.decided_at = by, timezone.now()
        request.reason = reason.strip()
        request.save()
        if approve:
            person = request.user
            person.role, person.municipality = Role.MUNICIPAL_STAFF, request.municipality
            person.residence_verified_at = None  # staff act for their employer, not residence
            person.save(update_fields=["role", "municipality", "residence_verified_at"])
