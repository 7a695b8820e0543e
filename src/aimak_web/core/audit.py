"""The audit trail as people read it: objects and fields by their names in the reader's
language, actions as verbs, recorded values as data (never "ScenarioVersion object (41)",
"update" or ``vote_open``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Field and model names without a translation are shown as code (their identifier), not as
# Django's English guess.
ACTIONS = {0: gettext_lazy("created"), 1: gettext_lazy("changed"), 2: gettext_lazy("deleted"),
           3: gettext_lazy("viewed")}
#: Django's default text of an object without its own name
NAMELESS = re.compile(r"^\w+ object \(\d+\)$")
EMPTY = {"None", "", "[]", "{}"}


@dataclass
class Change:
    label: str
    #: the field's identifier, shown as code where the model gives no translated name
    code: str
    old: str
    new: str


@dataclass
class Row:
    when: object
    who: str
    action: str
    kind: str
    kind_code: str
    number: str
    name: str
    changes: list[Change] = field(default_factory=list)


def _value(f, raw: str) -> str:
    if raw in EMPTY:
        return "—"
    if f is not None and getattr(f, "choices", None):
        for key, label in f.flatchoices:
            if str(key) == raw:
                return str(label)
    if raw in ("True", "False"):
        return _("yes") if raw == "True" else _("no")
    return raw


def row(entry) -> Row:
    """One entry of django-auditlog as a row of the audit page."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    meta = model._meta if model is not None else None
    changes = []
    for name, pair in (entry.changes_dict or {}).items():
        try:
            f = meta.get_field(name) if meta else None
        except FieldDoesNotExist:
            f = None
        named = f is not None and isinstance(getattr(f, "verbose_name", None), Promise)
        old, new = [*pair, "", ""][:2] if isinstance(pair, (list, tuple)) else ("", pair)
        changes.append(Change(capfirst(str(f.verbose_name)) if named else "",
                              "" if named else name, _value(f, str(old)), _value(f, str(new))))
    repr_ = entry.object_repr or ""
    # a name the model was given through the catalogs; Django's own guess is English
    named_model = meta is not None and isinstance(meta.verbose_name, Promise)
    return Row(when=entry.timestamp,
               who=entry.actor.display_name if entry.actor_id else "—",
               action=str(ACTIONS.get(entry.action, entry.get_action_display())),
               kind=capfirst(str(meta.verbose_name)) if named_model else _("object"),
               kind_code="" if named_model else entry.content_type.model,
               number=str(entry.object_pk),
               name="" if NAMELESS.match(repr_) else repr_,
               changes=changes)
