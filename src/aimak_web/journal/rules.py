"""Who may do what in the journal (django-rules). Reading published items is free; asking a
legal question, the digest and the PDF collection are what a subscription gives."""

from __future__ import annotations

import rules

from aimak_web.accounts.rules import is_admin, is_moderator, is_municipal_staff
from aimak_web.practices.rules import is_editable, is_published, is_submitter


@rules.predicate
def is_expert(user) -> bool:
    from .models import Expert

    return bool(user.is_authenticated
                and Expert.objects.filter(user=user, active=True).exists())


@rules.predicate
def is_answering_expert(user, item) -> bool:
    expert = getattr(item, "expert", None)
    return bool(expert is not None and expert.user_id == user.pk)


@rules.predicate
def is_asker_body(user, item) -> bool:
    """Staff of the municipality that asked a legal question."""
    muni = getattr(item, "municipality_id", None)
    return bool(is_municipal_staff(user) and muni and hasattr(item, "question_ru")
                and user.municipality_id == muni)


@rules.predicate
def is_open_question(user, item) -> bool:
    """A legal question waiting for an expert's answer."""
    return bool(hasattr(item, "question_ru") and item.status in ("submitted", "under_review"))


@rules.predicate
def is_subscriber(user) -> bool:
    from .services import entitlement

    return bool(user.is_authenticated and entitlement(user) is not None)


can_moderate = is_moderator | is_admin

rules.add_perm("journal.view_item", is_published | is_submitter | is_asker_body | can_moderate
               | is_answering_expert | (is_expert & is_open_question))
# the texts of a question published without naming the asker, before redaction
rules.add_perm("journal.read_as_asked", is_submitter | is_asker_body | can_moderate
               | is_answering_expert)
rules.add_perm("journal.edit_item", (is_submitter | is_asker_body) & is_editable)
# the two-person rule: nobody moderates their own item, nor publishes an answer they wrote
rules.add_perm("journal.moderate_item", can_moderate & ~is_submitter & ~is_answering_expert)
rules.add_perm("journal.ask", is_municipal_staff & is_subscriber)
rules.add_perm("journal.answer", is_expert)
rules.add_perm("journal.read_paid", is_subscriber)
rules.add_perm("journal.manage_subscriptions", is_admin)
rules.add_perm("journal.manage_experts", is_admin)
rules.add_perm("journal.office", can_moderate)
