"""Who may do what with hearings (django-rules; staff act only for their own municipality)."""

from __future__ import annotations

import rules

from aimak_web.accounts.rules import is_admin, is_moderator, is_staff_of


def _municipality(obj):
    """The municipality of a hearing, or the municipality itself."""
    return getattr(obj, "municipality", obj)


@rules.predicate
def is_staff_of_hearing(user, obj) -> bool:
    """Municipal staff of the hearing's (or the given) municipality."""
    return obj is not None and is_staff_of(user, _municipality(obj))


@rules.predicate
def may_take_part(user, hearing) -> bool:
    """A verified resident of the municipality, or any signed-in user where the hearing allows."""
    if hearing is None or not user.is_authenticated:
        return False
    if hearing.open_to_all:
        return True
    if not user.is_verified_resident:
        return False
    if user.municipality_id == hearing.municipality_id:
        return True
    # a merger-proposal hearing: residents of every municipality of the proposed unit
    return bool(hearing.scenario_id and hearing.affected.filter(pk=user.municipality_id).exists())


@rules.predicate
def is_public(user, hearing) -> bool:
    return hearing is not None and hearing.is_public


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user.is_authenticated)


rules.add_perm("hearings.manage_hearing", is_staff_of_hearing | is_admin)
rules.add_perm("hearings.create_hearing", is_staff_of_hearing)
rules.add_perm("hearings.view_hearing", is_public | is_staff_of_hearing | is_admin)
rules.add_perm("hearings.take_part", may_take_part)
rules.add_perm("hearings.report", is_signed_in)
rules.add_perm("hearings.moderate", is_moderator | is_admin)
