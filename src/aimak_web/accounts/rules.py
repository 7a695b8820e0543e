"""Who may do what in accounts (django-rules predicates and permissions)."""

from __future__ import annotations

import rules

from .models import Role


@rules.predicate
def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


@rules.predicate
def is_municipal_staff(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.MUNICIPAL_STAFF
                and user.municipality_id is not None)


@rules.predicate
def is_moderator(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.MODERATOR)


@rules.predicate
def is_jury(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.JURY)


@rules.predicate
def is_citizen(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.CITIZEN)


@rules.predicate
def is_staff_of(user, municipality) -> bool:
    """Municipal staff of exactly this municipality (object-level)."""
    return bool(is_municipal_staff(user) and municipality is not None
                and user.municipality_id == getattr(municipality, "pk", municipality))


rules.add_perm("accounts.manage_residents", is_staff_of | is_admin)
rules.add_perm("accounts.view_audit", is_admin)
