"""Permission rows of the journal (see ``permtable``)."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

from .permtable import (
    FORBIDDEN,
    HIDDEN,
    MISSING,
    NOT_ALLOWED,
    SHOWN,
    SIGNIN,
    Row,
    back,
    done,
    everyone,
    form_data,
    only,
    signed_in,
)

MODERATORS = {"moderator", "admin"}
NEW_ARTICLE = re.compile(r"/journal/a/\d+/")
NEW_QUESTION = re.compile(r"/journal/consultations/\d+/")


def setup(ctx) -> None:
    from aimak_web.journal.models import Article, Consultation, Expert, MembershipList
    from aimak_web.practices.models import Theme
    from aimak_web.practices.themes import ensure_themes

    ensure_themes()
    u, pl = ctx["users"], ctx["places"]
    theme = Theme.objects.get(code="finance")
    expert = Expert.objects.create(user=u["jury"])
    # municipality a is on the Union's list: its staff subscribe (free); c's staff do not
    members = MembershipList.objects.create(source="Союз МСУ", as_of=date(2020, 1, 1),
                                            recorded_by=u["admin"])
    members.members.set([pl["a"]])
    ctx["draft"] = Article.objects.create(kind="story", submitter=u["citizen"], theme=theme,
                                          title_ru="Черновик", body_ru="Текст")
    ctx["pending"] = Article.objects.create(kind="research", submitter=u["citizen"],
                                            theme=theme, title_ru="Исследование",
                                            body_ru="Текст", status="submitted")
    ctx["published"] = Article.objects.create(
        kind="legislation", submitter=u["citizen"], theme=theme, title_ru="Закон",
        body_ru="Текст", act_number="1", act_date=date(2026, 1, 1), status="published",
        published_at=timezone.now())
    ctx["question"] = Consultation.objects.create(
        submitter=u["municipal_staff"], municipality=pl["a"], theme=theme,
        title_ru="Вопрос", question_ru="Можно ли?", status="submitted")
    # answered by the expert, waiting for a moderator to publish it without naming the asker
    ctx["answered"] = Consultation.objects.create(
        submitter=u["municipal_staff"], municipality=pl["a"], theme=theme, expert=expert,
        title_ru="Вопрос о пастбищах", question_ru="Можно ли сдать пастбище?",
        answer_ru="Нет.", status="under_review", publicity="anonymous")
    # published anonymised: the texts as asked are kept for the asker's body, the expert and
    # the office only (the row's secret)
    ctx["anonymous"] = Consultation.objects.create(
        submitter=u["municipal_staff"], municipality=pl["a"], theme=theme, expert=expert,
        title_ru="Вопрос [муниципалитет]", question_ru="Глава [муниципалитет] спрашивает",
        answer_ru="Ответ.", status="published", publicity="anonymous",
        published_at=timezone.now(),
        asked={"title_ru": "Вопрос", "title_ky": "", "answer_ru": "Ответ.", "answer_ky": "",
               "question_ru": "Глава Жаны-Жола СЕКРЕТ спрашивает", "question_ky": ""})
    ctx["other_expert"] = Expert.objects.create(user=u["citizen"], active=False)


def _pk(key):
    return lambda ctx: [ctx[key].pk]


def _page(key):
    return lambda ctx: ctx[key].get_absolute_url()


def _article_data(ctx):
    from aimak_web.journal.forms import ArticleForm

    return form_data(ArticleForm(instance=ctx["draft"], kind="story"),
                     title_ru="Черновик (исправлено)")


def _member_file(ctx):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"source": "Союз МСУ, файл", "as_of": "2026-01-10",
            "file": SimpleUploadedFile("list.csv", f"Код\n{ctx['places']['b'].code}\n".encode())}


def _question_data(ctx):
    from aimak_web.practices.models import Theme

    return {"theme": Theme.objects.get(code="finance").pk, "title_ru": "Вопрос",
            "question_ru": "Можно ли?", "publicity": "anonymous"}


ROWS = [
    Row("journal:index", everyone()),
    Row("journal:consultations", everyone()),
    # asking is a subscriber's service of LSG staff: a's staff (a member) ask; the others are
    # told why (other_staff: a non-member's staff; citizens, experts, the office: not staff)
    Row("journal:ask", only({"municipal_staff"})),
    Row("journal:ask", only({"municipal_staff"}, done(NEW_QUESTION)), method="post",
        data=_question_data),
    # a submitted question: its body's staff, the experts and the journal's office see it
    Row("journal:consultation", {**only({"municipal_staff", "jury", *MODERATORS}),
                                 "anonymous": MISSING}, args=_pk("question")),
    # published anonymised: everyone reads it; the texts as asked reach only the asker's
    # body, the answering expert and the office
    Row("journal:consultation", {**everyone(HIDDEN), **dict.fromkeys(
        ("municipal_staff", "jury", *MODERATORS), SHOWN)}, args=_pk("anonymous"),
        secret=lambda ctx: "СЕКРЕТ"),
    Row("journal:answer", signed_in(NOT_ALLOWED), args=_pk("question")),
    # only an expert (the jury member here) answers
    Row("journal:answer", only({"jury"}, done(_page("question"))), args=_pk("question"),
        method="post", data=lambda ctx: {"answer_ru": "Можно, по закону."}),
    Row("journal:article", everyone(), args=_pk("published")),
    Row("journal:article", {**only({"citizen", *MODERATORS}), "anonymous": MISSING},
        args=_pk("draft")),
    Row("journal:article_edit", only({"citizen"}), args=_pk("draft")),
    Row("journal:article_edit", only({"citizen"}, done(_page("draft"))), args=_pk("draft"),
        method="post", data=_article_data),
    Row("journal:article_new", signed_in(), args=lambda ctx: ["story"]),
    Row("journal:article_new", signed_in(done(NEW_ARTICLE)), args=lambda ctx: ["story"],
        method="post", data=_article_data),
    Row("journal:step", signed_in(NOT_ALLOWED),
        args=lambda ctx: ["article", ctx["pending"].pk, "publish"]),
    # moderators publish; the submitter sees the item but takes no moderation step
    Row("journal:step", only(MODERATORS, done(_page("pending"))),
        args=lambda ctx: ["article", ctx["pending"].pk, "publish"], method="post"),
    # an answered question: a moderator publishes it (redacted); the expert who answered and
    # the asker's staff see it but do not publish it (two-person rule); others cannot see it
    Row("journal:step", {**only(MODERATORS, done(_page("answered"))), "anonymous": SIGNIN},
        args=lambda ctx: ["consultation", ctx["answered"].pk, "publish"], method="post"),
    # a draft cannot be reviewed: moderators are sent back with a message
    Row("journal:step", {**only(MODERATORS, back(_page("draft"))), "citizen": FORBIDDEN},
        args=lambda ctx: ["article", ctx["draft"].pk, "start_review"], method="post"),
    Row("journal:desk", signed_in()),
    Row("journal:office", only({"jury", *MODERATORS})),
    Row("journal:subscription", signed_in()),
    Row("journal:subscription", signed_in(done("journal:subscription")), method="post",
        data=lambda ctx: {"active": "on"}),
    # the PDF collection: subscribers only (a's staff), the others told why
    Row("journal:collection", only({"municipal_staff"})),
    Row("journal:memberships", only({"admin"})),
    Row("journal:memberships", only({"admin"}, done("journal:memberships")), method="post",
        data=lambda ctx: {"source": "Союз МСУ", "as_of": "2026-01-10",
                          "members": [ctx["places"]["a"].pk]}),
    # the list as a file (CSV): read and recorded for the administrator only
    Row("journal:memberships", only({"admin"}, done("journal:memberships")), method="post",
        data=_member_file),
    Row("journal:experts", only({"admin"})),
    Row("journal:experts", only({"admin"}, done("journal:experts")), method="post",
        data=lambda ctx: {"email": ctx["users"]["other_staff"].email,
                          "field_ru": "муниципальное право"}),
    Row("journal:expert_active", signed_in(NOT_ALLOWED), args=_pk("other_expert")),
    Row("journal:expert_active", only({"admin"}, done("journal:experts")), method="post",
        args=_pk("other_expert"), data=lambda ctx: {"active": "1"}),
    Row("journal:payments", only({"admin"})),
    Row("journal:payments", only({"admin"}, done("journal:payments")), method="post",
        data=lambda ctx: {"municipality": ctx["places"]["c"].pk, "amount_som": "2400",
                          "bank_reference": "ПП 1", "period_start": "2026-01-01",
                          "period_end": "2026-12-31"}),
    Row("journal:feed", everyone()),
    Row("journal:articles", everyone(), args=lambda ctx: ["research"]),
]
