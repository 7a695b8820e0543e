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


def _resident(user, hearing) -> bool:
    """A verified resident of the municipality, or (a merger-proposal hearing) of any
    municipality of the proposed unit."""
    if not user.is_verified_resident or user.municipality_id is None:
        return False
    if user.municipality_id == hearing.municipality_id:
        return True
    return bool(hearing.scenario_id and hearing.affected.filter(pk=user.municipality_id).exists())


@rules.predicate
def is_example(user, hearing) -> bool:
    return bool(hearing is not None and getattr(hearing, "is_example", False))


#: Conducting a hearing (its steps, the meeting, answers, documents, budget lines) is the
#: municipality's own work: not even a superuser of the platform does it, and nobody changes an
#: example built on published figures.
conducts = is_staff_of_hearing & ~is_example


@rules.predicate
def may_take_part(user, hearing) -> bool:
    """A verified resident (see ``_resident``), or any signed-in user where the hearing allows."""
    if hearing is None or not user.is_authenticated:
        return False
    return bool(hearing.open_to_all or _resident(user, hearing))


@rules.predicate
def may_report(user, hearing) -> bool:
    """Only verified residents report (a fresh account cannot), and never the hearing's own
    staff: they answer proposals, they do not get to hide them."""
    if hearing is None or not user.is_authenticated or is_staff_of_hearing(user, hearing):
        return False
    return _resident(user, hearing)


@rules.predicate
def is_public(user, hearing) -> bool:
    return hearing is not None and hearing.is_public


rules.add_perm("hearings.manage_hearing", is_staff_of_hearing | is_admin)
rules.add_perm("hearings.create_hearing", is_staff_of_hearing)
rules.add_perm("hearings.view_hearing", is_public | is_staff_of_hearing | is_admin)
rules.add_perm("hearings.take_part", may_take_part)
rules.add_perm("hearings.report", may_report)
rules.add_perm("hearings.moderate", is_moderator | is_admin)
rules.add_perm("hearings.conduct", conducts)


def allows(name: str, user, obj=None) -> bool:
    """Permission ``name`` by django-rules alone. ``user.has_perm`` lets a superuser pass every
    permission; who conducts a hearing, takes part in it or reports in it is decided by the
    rule, for administrators too."""
    return rules.has_perm(name, user, obj)
