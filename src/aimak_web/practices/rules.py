"""Who may do what with practices (django-rules); staff act only for their own municipality."""

from __future__ import annotations

import rules

from aimak_web.accounts.rules import is_admin, is_citizen, is_jury, is_moderator, is_municipal_staff


@rules.predicate
def is_submitter(user, practice) -> bool:
    return bool(user.is_authenticated and practice is not None
                and practice.submitter_id == user.pk)


@rules.predicate
def is_staff_of_body(user, practice) -> bool:
    """Staff of the municipality that submitted the practice as its body."""
    return bool(is_municipal_staff(user) and practice is not None and practice.body_id
                and user.municipality_id == practice.body_id)


@rules.predicate
def is_editable(user, practice) -> bool:
    return bool(practice is not None and practice.is_editable)


@rules.predicate
def is_published(user, practice) -> bool:
    return bool(practice is not None and practice.status == "published")


@rules.predicate
def is_verified_person(user) -> bool:
    """A verified resident or a person with a confirmed phone."""
    return bool(user.is_authenticated and (user.is_verified_resident
                                           or user.phone_confirmed_at is not None))


@rules.predicate
def is_seated_juror(user, entry) -> bool:
    """A jury member seated on the entry's edition (without an entry: any jury member)."""
    if entry is None:
        return True
    return entry.edition.jurors.filter(pk=user.pk).exists()


@rules.predicate
def is_party_to_entry(user, entry) -> bool:
    """The author of the entered practice, or staff of the body that entered it."""
    return bool(entry is not None and (is_submitter(user, entry.practice)
                                       or is_staff_of_body(user, entry.practice)))


can_moderate = is_moderator | is_admin

rules.add_perm("practices.submit_practice", is_citizen | is_municipal_staff | is_jury
               | is_moderator | is_admin)
rules.add_perm("practices.view_practice",
               is_published | is_submitter | is_staff_of_body | can_moderate)
rules.add_perm("practices.edit_practice", (is_submitter | is_staff_of_body) & is_editable)
# the two-person rule: nobody moderates (publishes, rejects) their own practice
rules.add_perm("practices.moderate_practice", can_moderate & ~is_submitter)
rules.add_perm("practices.enter_contest", (is_submitter | is_staff_of_body) & is_published)
rules.add_perm("practices.vote", is_verified_person)
rules.add_perm("practices.score", is_jury & is_seated_juror & ~is_party_to_entry)
rules.add_perm("practices.view_anomalies", is_admin)


def can(user, perm: str, obj=None) -> bool:
    """The rule itself, without Django's superuser shortcut: an administrator does not vote,
    score or edit someone else's practice unless the rule says so."""
    return rules.has_perm(perm, user, obj)
