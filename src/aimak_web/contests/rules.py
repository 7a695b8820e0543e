"""Who may do what in contests (django-rules): organisers are national administrators, jury
members have the jury role and a seat in the edition, applicants are staff of their own
municipality (object-level)."""

from __future__ import annotations

import rules

from aimak_web.accounts.rules import is_admin, is_jury, is_municipal_staff


@rules.predicate
def is_applicant_staff(user, application) -> bool:
    """Staff of the application's municipality."""
    return bool(is_municipal_staff(user) and application is not None
                and user.municipality_id == application.municipality_id)


@rules.predicate
def has_jury_seat(user, edition) -> bool:
    return bool(is_jury(user) and edition is not None
                and edition.jurors.filter(user=user).exists())


rules.add_perm("contests.organise", is_admin)
rules.add_perm("contests.apply", is_municipal_staff)
rules.add_perm("contests.edit_application", is_applicant_staff)
rules.add_perm("contests.judge", has_jury_seat)
