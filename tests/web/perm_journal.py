"""Permission rows of the journal (see ``permtable``)."""

from __future__ import annotations

import re
from datetime import date

from .permtable import (
    FORBIDDEN,
    MISSING,
    NOT_ALLOWED,
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


def setup(ctx) -> None:
    from aimak_web.journal.models import Article, Consultation, Expert
    from aimak_web.practices.models import Theme
    from aimak_web.practices.themes import ensure_themes

    ensure_themes()
    u, pl = ctx["users"], ctx["places"]
    theme = Theme.objects.get(code="finance")
    Expert.objects.create(user=u["jury"])
    ctx["draft"] = Article.objects.create(kind="story", submitter=u["citizen"], theme=theme,
                                          title_ru="Черновик", body_ru="Текст")
    ctx["pending"] = Article.objects.create(kind="research", submitter=u["citizen"],
                                            theme=theme, title_ru="Исследование",
                                            body_ru="Текст", status="submitted")
    ctx["published"] = Article.objects.create(
        kind="legislation", submitter=u["citizen"], theme=theme, title_ru="Закон",
        body_ru="Текст", act_number="1", act_date=date(2026, 1, 1), status="published")
    ctx["question"] = Consultation.objects.create(
        submitter=u["municipal_staff"], municipality=pl["a"], theme=theme,
        title_ru="Вопрос", question_ru="Можно ли?", status="submitted")


def _pk(key):
    return lambda ctx: [ctx[key].pk]


def _page(key):
    return lambda ctx: ctx[key].get_absolute_url()


def _article_data(ctx):
    from aimak_web.journal.forms import ArticleForm

    return form_data(ArticleForm(instance=ctx["draft"], kind="story"),
                     title_ru="Черновик (исправлено)")


def _question_data(ctx):
    from aimak_web.practices.models import Theme

    return {"theme": Theme.objects.get(code="finance").pk, "title_ru": "Вопрос",
            "question_ru": "Можно ли?", "publicity": "anonymous"}


ROWS = [
    Row("journal:index", everyone()),
    Row("journal:consultations", everyone()),
    # asking is a subscriber's service of LSG staff: nobody here subscribes, all are told why
    Row("journal:ask", {**everyone(FORBIDDEN), "anonymous": SIGNIN}),
    Row("journal:ask", {**everyone(FORBIDDEN), "anonymous": SIGNIN}, method="post",
        data=_question_data),
    # a submitted question: its body's staff, the experts and the journal's office see it
    Row("journal:consultation", {**only({"municipal_staff", "jury", *MODERATORS}),
                                 "anonymous": MISSING}, args=_pk("question")),
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
    # a draft cannot be reviewed: moderators are sent back with a message
    Row("journal:step", {**only(MODERATORS, back(_page("draft"))), "citizen": FORBIDDEN},
        args=lambda ctx: ["article", ctx["draft"].pk, "start_review"], method="post"),
    Row("journal:desk", signed_in()),
    Row("journal:office", only({"jury", *MODERATORS})),
    Row("journal:subscription", signed_in()),
    Row("journal:subscription", signed_in(done("journal:subscription")), method="post",
        data=lambda ctx: {"active": "on"}),
    # the PDF collection: subscribers only (nobody here is), the others told why
    Row("journal:collection", {**everyone(FORBIDDEN), "anonymous": SIGNIN}),
    Row("journal:memberships", only({"admin"})),
    Row("journal:memberships", only({"admin"}, done("journal:memberships")), method="post",
        data=lambda ctx: {"source": "Союз МСУ", "as_of": "2026-01-10",
                          "members": [ctx["places"]["a"].pk]}),
    Row("journal:payments", only({"admin"})),
    Row("journal:payments", only({"admin"}, done("journal:payments")), method="post",
        data=lambda ctx: {"municipality": ctx["places"]["c"].pk, "amount_som": "2400",
                          "bank_reference": "ПП 1", "period_start": "2026-01-01",
                          "period_end": "2026-12-31"}),
    Row("journal:feed", everyone()),
    Row("journal:articles", everyone(), args=lambda ctx: ["research"]),
]
