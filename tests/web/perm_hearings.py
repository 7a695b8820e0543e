"""Permission rows of hearings: an open hearing, a draft and a held one, all of municipality a."""

from __future__ import annotations

from datetime import date, datetime

from django.core.files.base import ContentFile

from .permtable import SIGNIN, Row, everyone, only, signed_in

STAFF = {"municipal_staff", "admin"}
#: a draft is invisible (404) to everyone but its managers
DRAFT_ONLY = {**dict.fromkeys(("citizen", "other_staff", "jury", "moderator"), 404),
              "anonymous": SIGNIN, "municipal_staff": 200, "admin": 200}


def setup(ctx: dict) -> None:
    from django.utils import timezone

    from aimak_web.hearings.models import (
        BudgetLine,
        Comment,
        Document,
        Hearing,
        Proposal,
        State,
    )

    a = ctx["places"]["a"]
    citizen = ctx["users"]["citizen"]

    def hearing(state, **extra):
        return Hearing.objects.create(
            municipality=a, subject="draft_budget", year=2027, title_ru=f"Слушания {state}",
            title_ky=f"Угуу {state}", state=state, notice_date=date(2026, 7, 1),
            meeting_at=timezone.make_aware(datetime(2026, 7, 20, 10, 0)),
            meeting_place="Дом культуры", **extra)

    ctx["open"] = h = hearing(State.OPEN)
    line = BudgetLine.objects.create(hearing=h, section="expenditure", code="0451",
                                     name_ru="Дороги", current_plan=100, next_draft=120,
                                     source="synthetic test line")
    ctx["comment"] = Comment.objects.create(hearing=h, author=citizen, text="Про дороги")
    ctx["proposal"] = Proposal.objects.create(hearing=h, author=citizen, line=line,
                                              title="Больше на дороги", text="Добавить 10")
    ctx["draft"] = hearing(State.DRAFT)
    ctx["held"] = held = hearing(State.MEETING_HELD, attendance_women=12, attendance_men=9)
    held.signin_sheet.save("sheet.pdf", ContentFile(b"%PDF-1.4 test sheet"))
    doc = Document(hearing=h, title="Проект решения", uploaded_by=ctx["users"]["municipal_staff"])
    doc.file.save("draft.pdf", ContentFile(b"%PDF-1.4 draft decision"))
    ctx["document"] = doc
    ctx["draft_document"] = Document.objects.create(
        hearing=ctx["draft"], title="Черновик", file=doc.file.name,
        uploaded_by=ctx["users"]["municipal_staff"])


def _pk(key):
    return lambda ctx: [ctx[key].pk]


ROWS = [
    Row("hearings:index", everyone()),
    Row("hearings:create", only({"municipal_staff", "other_staff"})),
    Row("hearings:budget_template", everyone()),
    Row("hearings:moderation", only({"moderator", "admin"})),
    Row("hearings:feed", everyone(), args=lambda ctx: [ctx["places"]["a"].code]),
    Row("hearings:detail", everyone(), args=_pk("open")),
    Row("hearings:detail", {**DRAFT_ONLY, "anonymous": 404}, args=_pk("draft"),
        note="a draft is visible to its managers only"),
    Row("hearings:edit", only(STAFF), args=_pk("open")),
    # staff of municipality a try a step the procedure refuses (no attendance): sent back
    Row("hearings:step", only(STAFF, 302), args=lambda ctx: [ctx["open"].pk, "hold_meeting"],
        method="post"),
    Row("hearings:budget", everyone(), args=_pk("open")),
    Row("hearings:budget_upload", DRAFT_ONLY, args=_pk("draft")),
    Row("hearings:comment", only({"citizen"}, 302), args=_pk("open"), method="post",
        data=lambda ctx: {"text": "Комментарий жителя"}),
    Row("hearings:propose", only({"citizen"}), args=_pk("open")),
    Row("hearings:paper_proposal", only(STAFF), args=_pk("open")),
    Row("hearings:meeting", only(STAFF), args=_pk("open")),
    Row("hearings:signin_sheet", only(STAFF), args=_pk("held"),
        note="the sheet holds names: staff and administrators only"),
    Row("hearings:documents", only(STAFF), args=_pk("open")),
    Row("hearings:document", everyone(), args=_pk("document")),
    Row("hearings:document", {**DRAFT_ONLY, "anonymous": 404}, args=_pk("draft_document"),
        note="a draft's documents are visible to its managers only"),
    Row("hearings:minutes", everyone(), args=lambda ctx: [ctx["held"].pk, "ru"]),
    Row("hearings:minutes", everyone(404), args=lambda ctx: [ctx["open"].pk, "ky"],
        note="no minutes before the meeting"),
    Row("hearings:notice", everyone(), args=lambda ctx: [ctx["open"].pk, "ky"]),
    Row("hearings:export", everyone(), args=lambda ctx: [ctx["open"].pk, "csv"]),
    Row("hearings:support", only({"citizen"}, 302), args=_pk("proposal"), method="post"),
    Row("hearings:answer", only(STAFF), args=_pk("proposal")),
    Row("hearings:report", signed_in(302), args=lambda ctx: ["comment", ctx["comment"].pk],
        method="post"),
    Row("hearings:moderate", only({"moderator", "admin"}, 302),
        args=lambda ctx: ["proposal", ctx["proposal"].pk], method="post",
        data=lambda ctx: {"action": "restore", "reason": "checked: nothing wrong"}),
]
