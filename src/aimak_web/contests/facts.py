"""Facts of hearings held on the platform, from ``aimak_web.hearings.figures``.

``municipality_facts(municipality, date_from, date_to)`` (hearings app) gives one dict per
hearing held in the period. An application keeps, at submission, only the fields listed in
``FIELDS`` (JSON-safe; no hearing id, which would lead a jury member to the municipality), and
pages show them with labels in the reader's language.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELDS = [
    ("meeting_date", gettext_lazy("meeting date")),
    ("notice_date", gettext_lazy("notice published")),
    ("notice_lead_days", gettext_lazy("notice lead time, days")),
    ("attendance_total", gettext_lazy("attendance")),
    ("attendance_women", gettext_lazy("of whom women")),
    ("attendance_men", gettext_lazy("of whom men")),
    ("proposals", gettext_lazy("proposals")),
    ("answered_share", gettext_lazy("proposals answered with reasons")),
    ("minutes_published", gettext_lazy("minutes published")),
]
KEPT = {k for k, _label in FIELDS} | {"subject", "is_example"}


def _json(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def platform_facts(municipality, date_from, date_to) -> list[dict]:
    """The platform's hearings of ``municipality`` in the period; empty when the hearings app
    offers no ``municipality_facts`` (yet)."""
    try:
        from aimak_web.hearings.figures import municipality_facts
    except ImportError:
        return []
    return [{k: _json(v) for k, v in item.items() if k in KEPT}
            for item in municipality_facts(municipality, date_from, date_to) or []
            if isinstance(item, dict)]


def period_facts(date_from, date_to) -> dict[int, list[dict]]:
    """Municipality id -> its hearings held in the period (the public hearing figures); empty
    when the hearings app offers none."""
    try:
        from aimak_web.hearings.figures import period_facts as figures
    except ImportError:
        return {}
    return figures(date_from, date_to)


def subject_label(key: str) -> str:
    """A hearing's subject ("draft_budget") as the reader's language says it."""
    try:
        from aimak_web.hearings.models import Subject
    except ImportError:
        return key
    return str(Subject(key).label) if key in Subject.values else key


def _show(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if key == "answered_share":
        return f"{round(float(value) * 100)} %"
    if key == "minutes_published":
        return _("yes") if value else _("no")
    if key in ("meeting_date", "notice_date"):
        try:
            return date_format(date.fromisoformat(str(value)[:10]), "j E Y")
        except ValueError:
            return str(value)
    return str(value)


def display(facts: list[dict]) -> list[dict]:
    """Per hearing, for its own municipality's staff: its subject in the reader's language,
    whether it is an example, and (label, value) rows. (The jury sees ``presenter.py``'s
    bands instead.)"""
    out = []
    for item in facts:
        subject = subject_label(str(item.get("subject") or ""))
        out.append({"subject": subject, "is_example": bool(item.get("is_example")),
                    "rows": [(label, _show(k, item.get(k))) for k, label in FIELDS]})
    return out
