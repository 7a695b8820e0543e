"""Permission rows of hearings: an open hearing, a draft and a held one, all of municipality a.

The dates stand around the real today (the table runs on the real clock): the open hearing's
comment period is running and its meeting time has just passed, so every page of it is usable;
the draft's dates meet every rule, so announcing it succeeds.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from .permtable import (
    FORBIDDEN,
    MISSING,
    NOT_ALLOWED,
    SIGNIN,
    STAFF_ROLES,
    Row,
    back,
    done,
    everyone,
    form_data,
    only,
    signed_in,
)

STAFF = {"municipal_staff", "admin"}
#: conducting a hearing is the municipality's own work: administrators of the platform do not
CONDUCT = {"municipal_staff"}
#: a draft is invisible (404) to everyone but its managers
DRAFT_ONLY = {**dict.fromkeys(("citizen", "other_staff", "jury", "moderator"), 404),
              "anonymous": SIGNIN, "municipal_staff": 200, "admin": 200}


def draft_only(outcome):
    """``outcome`` for the draft's managers, 404 for the other signed-in roles."""
    return {**DRAFT_ONLY, "municipal_staff": outcome, "admin": outcome}


def draft_conduct(outcome):
    """``outcome`` for the draft's staff; administrators see the draft but do not conduct it."""
    return {**DRAFT_ONLY, "municipal_staff": outcome, "admin": FORBIDDEN}


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
        fields = {"notice_date": date(2026, 7, 1),
                  "meeting_at": timezone.make_aware(datetime(2026, 7, 20, 10, 0)), **extra}
        return Hearing.objects.create(
            municipality=a, subject="draft_budget", year=2027, title_ru=f"Слушания {state}",
            title_ky=f"Угуу {state}", state=state, meeting_place="Дом культуры", **fields)

    now, today = timezone.now(), timezone.localdate()
    ctx["open"] = h = hearing(State.OPEN, notice_date=today - timedelta(days=15),
                              comments_from=today - timedelta(days=5),
                              comments_until=today + timedelta(days=5),
                              meeting_at=now - timedelta(hours=1))
    line = BudgetLine.objects.create(hearing=h, section="expenditure", code="0451",
                                     name_ru="Дороги", amount_2=100, amount_3=120,
                                     source="synthetic test line")
    ctx["comment"] = Comment.objects.create(hearing=h, author=citizen, text="Про дороги")
    ctx["proposal"] = Proposal.objects.create(hearing=h, author=citizen, line=line,
                                              title="Больше на дороги", text="Добавить 10")
    ctx["draft"] = hearing(State.DRAFT, notice_date=today,
                           comments_from=today + timedelta(days=1),
                           comments_until=today + timedelta(days=14),
                           meeting_at=now + timedelta(days=12))
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


def _page(key):
    """The hearing's page (a redirect's target)."""
    return lambda ctx: ctx[key].get_absolute_url()


def _edit_data(ctx):
    from aimak_web.hearings.forms import HearingForm

    return form_data(HearingForm(instance=ctx["open"]), title_ru="Слушания (исправлено)")


def _create_data(ctx):
    return {**_edit_data(ctx), "title_ru": "Новые слушания"}


def _budget_file(ctx):
    text = ("section,code,name_ru,name_ky,executed_2025,plan_2026,draft_2027,source\n"
            "expenditure,0451,Дороги,Жолдор,90,100,120,проект бюджета\n")
    return {"file": SimpleUploadedFile("budget.csv", text.encode(), content_type="text/csv")}


def _document(ctx):
    return {"title": "Проект решения (2)",
            "file": SimpleUploadedFile("draft2.pdf", b"%PDF-1.4 second draft",
                                       content_type="application/pdf")}


def _meeting(ctx):
    return {"chair": "Асанов Б.", "secretary": "Токтогулова А.", "attendance_women": 10,
            "attendance_men": 8, "attendance_under_30": 5, "attendance_30_59": 8,
            "attendance_60_plus": 5}


def _proposal(ctx):
    return {"title": "Освещение улиц", "text": "Поставить 20 фонарей", "amount": "50"}


def _answer(ctx):
    return {"verdict": "partly", "reason": "Часть фонарей войдёт в бюджет следующего года.",
            "amount": "20", "publish": "on"}


PARTICIPANT = only({"citizen"})
NEW_HEARING = re.compile(r"/hearings/\d+/")

ROWS = [
    Row("hearings:index", everyone()),
    # the SMS's short link leads to the hearing (a draft's only for its managers)
    Row("hearing_short", everyone(back(_page("open"))), args=_pk("open")),
    Row("hearing_short", {**DRAFT_ONLY, "anonymous": MISSING,
                          "municipal_staff": back(_page("draft")), "admin": back(_page("draft"))},
        args=_pk("draft")),
    Row("hearings:create", only(STAFF_ROLES)),
    # staff create hearings of their own municipality only; administrators have none
    Row("hearings:create", only(STAFF_ROLES, done(NEW_HEARING)), method="post",
        data=_create_data),
    Row("hearings:budget_template", everyone(), args=_pk("open")),
    Row("hearings:budget_template", {**DRAFT_ONLY, "anonymous": 404}, args=_pk("draft")),
    Row("hearings:moderation", only({"moderator", "admin"})),
    Row("hearings:feed", everyone(), args=lambda ctx: [ctx["places"]["a"].code]),
    Row("hearings:detail", everyone(), args=_pk("open")),
    Row("hearings:detail", {**DRAFT_ONLY, "anonymous": 404}, args=_pk("draft"),
        note="a draft is visible to its managers only"),
    Row("hearings:edit", only(CONDUCT), args=_pk("open")),
    # only the conducting staff's POST changes the hearing (seeing it is not enough)
    Row("hearings:edit", only(CONDUCT, done(_page("open"))), args=_pk("open"), method="post",
        data=_edit_data),
    Row("hearings:edit", draft_conduct(done(_page("draft"))), args=_pk("draft"),
        method="post", data=_edit_data),
    Row("hearings:step", signed_in(NOT_ALLOWED), args=lambda ctx: [ctx["open"].pk, "announce"]),
    # a step the procedure refuses (no attendance yet): sent back, nothing changes
    Row("hearings:step", only(CONDUCT, back(_page("open"))),
        args=lambda ctx: [ctx["open"].pk, "hold_meeting"], method="post"),
    Row("hearings:step", draft_conduct(done(_page("draft"))),
        args=lambda ctx: [ctx["draft"].pk, "announce"], method="post"),
    Row("hearings:budget", everyone(), args=_pk("open")),
    Row("hearings:budget_upload", draft_conduct(200), args=_pk("draft")),
    Row("hearings:budget_upload",
        draft_conduct(done(lambda ctx: f"/hearings/{ctx['draft'].pk}/budget/")),
        args=_pk("draft"), method="post", data=_budget_file),
    # once comments are open the budget is fixed: staff are sent back
    Row("hearings:budget_upload", only(CONDUCT, back(_page("open"))), args=_pk("open"),
        method="post", data=_budget_file),
    Row("hearings:comment", signed_in(NOT_ALLOWED), args=_pk("open")),
    Row("hearings:comment", only({"citizen"}, done(_page("open"))), args=_pk("open"),
        method="post", data=lambda ctx: {"text": "Комментарий жителя"}),
    Row("hearings:comment", {**DRAFT_ONLY, "municipal_staff": FORBIDDEN, "admin": FORBIDDEN},
        args=_pk("draft"), method="post", data=lambda ctx: {"text": "В черновик"}),
    Row("hearings:propose", PARTICIPANT, args=_pk("open")),
    Row("hearings:propose", only({"citizen"}, done(_page("open"))), args=_pk("open"),
        method="post", data=_proposal),
    Row("hearings:paper_proposal", only(CONDUCT), args=_pk("open")),
    Row("hearings:paper_proposal", only(CONDUCT, done(_page("open"))), args=_pk("open"),
        method="post", data=lambda ctx: {**_proposal(ctx), "paper_author": "Жумабеков К."}),
    Row("hearings:meeting", only(CONDUCT), args=_pk("open")),
    Row("hearings:meeting", only(CONDUCT, done(_page("open"))), args=_pk("open"),
        method="post", data=_meeting),
    # before the meeting's time nothing is recorded: staff are sent back
    Row("hearings:meeting", draft_conduct(back(_page("draft"))), args=_pk("draft"),
        method="post", data=_meeting),
    Row("hearings:signin_sheet", only(STAFF), args=_pk("held"),
        note="the sheet holds names: staff and administrators only"),
    Row("hearings:documents", only(CONDUCT), args=_pk("open")),
    Row("hearings:documents", only(CONDUCT, done(_page("open"))), args=_pk("open"),
        method="post", data=_document),
    Row("hearings:document", everyone(), args=_pk("document")),
    Row("hearings:document", {**DRAFT_ONLY, "anonymous": 404}, args=_pk("draft_document"),
        note="a draft's documents are visible to its managers only"),
    Row("hearings:minutes", everyone(), args=lambda ctx: [ctx["held"].pk, "ru"]),
    Row("hearings:minutes", everyone(404), args=lambda ctx: [ctx["open"].pk, "ky"],
        note="no minutes before the meeting"),
    Row("hearings:notice", everyone(), args=lambda ctx: [ctx["open"].pk, "ky"]),
    Row("hearings:notice", {**DRAFT_ONLY, "anonymous": 404},
        args=lambda ctx: [ctx["draft"].pk, "ru"]),
    Row("hearings:export", everyone(), args=lambda ctx: [ctx["open"].pk, "csv"]),
    Row("hearings:export", everyone(MISSING), args=lambda ctx: [ctx["open"].pk, "html"]),
    Row("hearings:support", signed_in(NOT_ALLOWED), args=_pk("proposal")),
    Row("hearings:support", only({"citizen"}, done(_page("open"))), args=_pk("proposal"),
        method="post"),
    Row("hearings:answer", only(CONDUCT), args=_pk("proposal")),
    Row("hearings:answer", only(CONDUCT, done(_page("open"))), args=_pk("proposal"),
        method="post", data=_answer),
    Row("hearings:report", signed_in(NOT_ALLOWED), args=lambda ctx: ["comment",
                                                                      ctx["comment"].pk]),
    # only verified residents report, never the hearing's own staff
    Row("hearings:report", only({"citizen"}, done(_page("open"))),
        args=lambda ctx: ["comment", ctx["comment"].pk], method="post",
        data=lambda ctx: {"reason": "оскорбление"}),
    Row("hearings:moderate", signed_in(NOT_ALLOWED),
        args=lambda ctx: ["proposal", ctx["proposal"].pk]),
    Row("hearings:moderate", only({"moderator", "admin"}, done("hearings:moderation")),
        args=lambda ctx: ["proposal", ctx["proposal"].pk], method="post",
        data=lambda ctx: {"action": "hide", "reason": "personal data in the text"}),
]

__all__ = ["ROWS", "SIGNIN", "setup"]
