"""Open data of one hearing: the same content as CSV (one row per proposal) and JSON."""

from __future__ import annotations

from django.utils import timezone

from aimak_web.core.exports import csv_text

from .models import Hearing, kind_of


def _iso(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return value.isoformat()


def _num(value) -> float | None:
    return None if value is None else float(value)


def hearing_data(hearing: Hearing) -> dict:
    """Everything public about the hearing (hidden items and personal data left out)."""
    lines = list(hearing.lines.all())
    kind = kind_of(hearing)
    proposals = hearing.proposals.select_related("line", "answer").order_by("created_at", "pk")
    out_proposals = []
    for p in proposals:
        try:
            a = p.answer
        except p.__class__.answer.RelatedObjectDoesNotExist:
            a = None
        published = a is not None and a.published_at is not None
        # a hidden proposal keeps its row (its answer is owed or public); its words do not
        out_proposals.append({
            "id": p.pk, "title": "" if p.hidden else p.title, "text": "" if p.hidden else p.text,
            "moderation": p.hidden_by if p.hidden else "",
            "moderation_reason": p.hidden_reason if p.removed_by_moderator else "",
            "on_paper": p.on_paper,
            "created_at": _iso(p.created_at), "line_code": p.line.code if p.line else None,
            "line_name": p.line.name_ru if p.line else None, "amount": _num(p.amount),
            "answer": {"verdict": a.verdict, "reason": a.reason,
                       "published_at": _iso(a.published_at), "amount": _num(a.amount)}
            if published else None})
    return {
        "id": hearing.pk, "municipality": hearing.municipality.code,
        "municipality_name": hearing.municipality.name_ru, "subject": hearing.subject,
        "year": hearing.year, "title_ru": hearing.title_ru, "title_ky": hearing.title_ky,
        "state": hearing.state, "example": hearing.is_example,
        "notice_date": _iso(hearing.notice_date), "comments_from": _iso(hearing.comments_from),
        "comments_until": _iso(hearing.comments_until), "meeting_at": _iso(hearing.meeting_at),
        "meeting_place": hearing.meeting_place, "notice_lead_days": hearing.notice_lead_days,
        "attendance": {"women": hearing.attendance_women, "men": hearing.attendance_men,
                       "total": hearing.attendance_total,
                       "under_30": hearing.attendance_under_30,
                       "from_30_to_59": hearing.attendance_30_59,
                       "60_plus": hearing.attendance_60_plus},
        "budget_kind": hearing.budget_kind,
        # the unit as som per unit (1, 1000 or 1000000) and the columns' years and stages
        "budget_unit_som": hearing.budget_scale,
        "budget_columns": [c.key(hearing) for c in kind.columns],
        "budget_lines": [{"section": x.section, "code": x.code, "name_ru": x.name_ru,
                          "name_ky": x.name_ky,
                          **{c.key(hearing): _num(getattr(x, c.field)) for c in kind.columns},
                          "source": x.source, "provenance": x.provenance,
                          "resolution_number": x.resolution_number,
                          "resolution_date": _iso(x.resolution_date)}
                         for x in lines],
        "proposals": out_proposals,
    }


CSV_COLUMNS = ["hearing_id", "municipality", "state", "meeting_at", "attendance_women",
               "attendance_men", "attendance_total", "proposal_id", "proposal_title",
               "moderation", "moderation_reason", "on_paper", "line_code", "amount", "verdict",
               "reason", "answer_published_at"]


def hearing_csv(data: dict) -> str:
    """One row per proposal (one row with empty proposal columns when there is none); text that
    looks like a formula is neutralised by the shared writer."""
    rows = []
    head = [data["id"], data["municipality"], data["state"], data["meeting_at"] or "",
            data["attendance"]["women"], data["attendance"]["men"],
            data["attendance"]["total"]]
    head = ["" if v is None else v for v in head]
    for p in data["proposals"] or [None]:
        if p is None:
            rows.append([*head, *[""] * 10])
            continue
        a = p["answer"] or {}
        rows.append([*head, p["id"], p["title"], p["moderation"], p["moderation_reason"],
                     "yes" if p["on_paper"] else "no",
                     p["line_code"] or "", "" if p["amount"] is None else p["amount"],
                     a.get("verdict", ""), a.get("reason", ""), a.get("published_at", "")])
    return csv_text(CSV_COLUMNS, rows)
