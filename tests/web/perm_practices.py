"""Permission rows of the practices portal (see ``permtable``)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .permtable import (
    FORBIDDEN,
    MISSING,
    NOT_ALLOWED,
    OK,
    SIGNIN,
    Row,
    back,
    done,
    everyone,
    form_data,
    only,
    saved,
    signed_in,
)


def make_practice(submitter, status="draft", submitter_type="citizen", body=None, munis=(),
                  theme="services", subtheme="water", **texts):
    """A practice in ``status`` (set directly: the workflow itself is tested elsewhere)."""
    from aimak_web.practices.models import Practice, SubTheme
    from aimak_web.practices.themes import ensure_themes

    ensure_themes()  # a transactional test before may have emptied the tables
    sub = SubTheme.objects.get(theme__code=theme, code=subtheme)
    now = timezone.now()
    p = Practice.objects.create(
        submitter=submitter, submitter_type=submitter_type, body=body, theme=sub.theme,
        subtheme=sub, period_start=date(2022, 3, 1), period_end=date(2023, 6, 30),
        status=status, published_at=now if status == "published" else None,
        submitted_at=now if status != "draft" else None,
        **{"title_ru": "Практика", "problem_ru": "Проблема", "solution_ru": "Решение",
           "results_ru": "Результат", **texts})
    p.municipalities.set(munis)
    return p


def make_edition(vote_open=True, **kw):
    """An edition open for entries, the vote (unless ``vote_open`` is false) and the jury,
    with every jury member seated."""
    from aimak_web.accounts.models import User
    from aimak_web.practices.models import Category, Criterion, Edition

    now = timezone.now()
    ed = Edition.objects.create(
        name_ru="Конкурс", entries_open=now - timedelta(days=1),
        entries_close=now + timedelta(days=30), jury_open=now - timedelta(days=1),
        jury_close=now + timedelta(days=40),
        vote_open=now - timedelta(days=1) if vote_open else now - timedelta(days=10),
        vote_close=now + timedelta(days=30) if vote_open else now - timedelta(days=2),
        jury_weight=kw.pop("jury_weight", 0.7), is_example=kw.pop("is_example", False), **kw)
    Category.objects.create(edition=ed, code="lsg", name_ru="Органы МСУ",
                            submitter_types=["lsg"], prizes=[150000])
    Category.objects.create(edition=ed, code="citizens", name_ru="Граждане и эксперты",
                            submitter_types=["citizen", "expert"], prizes=[25000])
    Criterion.objects.create(edition=ed, key="impact", name_ru="Результат", weight=2)
    Criterion.objects.create(edition=ed, key="evidence", name_ru="Данные", weight=1)
    ed.jurors.set(User.objects.filter(role="jury"))
    return ed


def setup(ctx) -> None:
    from aimak_web.practices.models import Entry, Recusal

    u, pl = ctx["users"], ctx["places"]
    ctx["draft"] = make_practice(u["citizen"], munis=[pl["a"]])
    ctx["published"] = make_practice(u["municipal_staff"], "published", "lsg", body=pl["a"],
                                     munis=[pl["a"]])
    ctx["submitted"] = make_practice(u["citizen"], "submitted", munis=[pl["a"]])
    ctx["own"] = make_practice(u["moderator"], "submitted", munis=[pl["b"]],
                               title_ru="Практика модератора")
    ctx["edition"] = ed = make_edition()
    lsg = ed.categories.get(code="lsg")
    ctx["entry"] = Entry.objects.create(edition=ed, practice=ctx["published"], category=lsg)
    other = make_practice(u["other_staff"], "published", "lsg", body=pl["c"], munis=[pl["c"]])
    ctx["recused_entry"] = Entry.objects.create(edition=ed, practice=other, category=lsg)
    Recusal.objects.create(entry=ctx["recused_entry"], juror=u["jury"], reason="a relative")
    ctx["closed"] = closed = make_edition(vote_open=False, name_ky="Жабык")
    closed.jury_close = timezone.now() - timedelta(days=1)
    closed.save(update_fields=["jury_close"])
    third = make_practice(u["municipal_staff"], "published", "lsg", body=pl["a"], munis=[pl["a"]])
    ctx["closed_entry"] = Entry.objects.create(edition=closed, practice=third,
                                               category=closed.categories.get(code="lsg"))


def _pk(key):
    return lambda ctx: [ctx[key].pk]


def _token(ctx):
    from aimak_web.practices.mail import unsubscribe_token

    return unsubscribe_token(ctx["users"]["citizen"])


def _page(key):
    return lambda ctx: ctx[key].get_absolute_url()


def _edition_page(key):
    return lambda ctx: f"/practices/contest/{ctx[key].pk}/"


def _practice_data(ctx):
    from aimak_web.practices.forms import PracticeForm

    data = form_data(PracticeForm(instance=ctx["draft"], user=ctx["users"]["citizen"]),
                     title_ru="Вода для всех (исправлено)")
    return {**data, "ev-TOTAL_FORMS": "0", "ev-INITIAL_FORMS": "0"}


def _scores(ctx):
    return {"impact": "4", "evidence": "3"}


NEW_PRACTICE = re.compile(r"/practices/\d+/")
MODERATORS = {"moderator", "admin"}
#: a draft: its submitter and the moderators see it; nobody else learns it exists
DRAFT_SEEN = {**only({"citizen", "moderator", "admin"}), "anonymous": MISSING}

ROWS = [
    Row("practices:index", everyone()),
    Row("practices:create", signed_in()),
    Row("practices:create", signed_in(done(NEW_PRACTICE)), method="post", data=_practice_data),
    Row("practices:mine", signed_in()),
    Row("practices:moderation", only(MODERATORS)),
    Row("practices:detail", DRAFT_SEEN, args=_pk("draft")),
    Row("practices:detail", everyone(), args=_pk("published")),
    Row("practices:print", everyone(), args=_pk("published")),
    Row("practices:print", DRAFT_SEEN, args=_pk("draft")),
    # only the submitter edits a draft (staff of another municipality neither)
    Row("practices:edit", only({"citizen"}), args=_pk("draft")),
    Row("practices:edit", only({"citizen"}, done(_page("draft"))), args=_pk("draft"),
        method="post", data=_practice_data),
    # a published practice of municipality a's body is not editable any more
    Row("practices:edit", only(set()), args=_pk("published")),
    Row("practices:edit", only(set()), args=_pk("published"), method="post",
        data=_practice_data),
    Row("practices:attach", signed_in(NOT_ALLOWED), args=_pk("draft")),
    Row("practices:attach", only({"citizen"}, done(_page("draft"))), args=_pk("draft"),
        method="post", data=lambda ctx: {"file": SimpleUploadedFile(
            "report.pdf", b"%PDF-1.4 report", content_type="application/pdf")}),
    Row("practices:transition", signed_in(NOT_ALLOWED),
        args=lambda ctx: [ctx["submitted"].pk, "publish"]),
    # a draft cannot be reviewed: moderators are sent back with a message
    Row("practices:transition", {**only(MODERATORS, back(_page("draft"))), "citizen": FORBIDDEN},
        args=lambda ctx: [ctx["draft"].pk, "start_review"], method="post"),
    # the submitter sees the practice but takes no moderation step
    Row("practices:transition", only(MODERATORS, done(_page("submitted"))),
        args=lambda ctx: [ctx["submitted"].pk, "publish"], method="post"),
    # two-person rule: a moderator does not publish their own submission
    Row("practices:transition", {**only({"moderator"}, back(_page("own"))),
                                 "admin": done(_page("own"))},
        args=lambda ctx: [ctx["own"].pk, "publish"], method="post"),
    Row("practices:contest", everyone()),
    Row("practices:edition", everyone(), args=_pk("edition")),
    Row("practices:enter", signed_in(NOT_ALLOWED),
        args=lambda ctx: [ctx["edition"].pk, ctx["published"].pk]),
    # staff of the body that published the practice enter it (already entered: sent back)
    Row("practices:enter", only({"municipal_staff"}, back(_page("published"))),
        args=lambda ctx: [ctx["edition"].pk, ctx["published"].pk], method="post"),
    # results during the vote: organisers and the jury only
    Row("practices:results", only({"jury", *MODERATORS}), args=_pk("edition")),
    Row("practices:anomalies", only({"admin"}), args=_pk("edition")),
    Row("practices:vote", signed_in(NOT_ALLOWED), args=_pk("entry")),
    # everyone signed in is sent back to the edition, told whether the vote counted or why not
    # (only verified people vote; the entrant's staff never for their own entry)
    Row("practices:vote", {**signed_in(back(_edition_page("edition"))),
                           "citizen": done(_edition_page("edition"))}, args=_pk("entry"),
        method="post"),
    Row("practices:vote", signed_in(back(_edition_page("closed"))),
        args=_pk("closed_entry"), method="post", note="after the vote closed"),
    Row("practices:score", only({"jury"}), args=_pk("entry")),
    Row("practices:score", only({"jury"}, done(_edition_page("edition"))), args=_pk("entry"),
        method="post", data=_scores),
    # a juror who stepped aside, or after the jury window, scores nothing (told why)
    Row("practices:score", only({"jury"}, back(_edition_page("edition"))),
        args=_pk("recused_entry"), method="post", data=_scores),
    Row("practices:score", only({"jury"}, back(_edition_page("closed"))),
        args=_pk("closed_entry"), method="post", data=_scores),
    # the link in an e-mail works without signing in; a forged token is not found
    Row("practices:unsubscribe", everyone(), args=lambda ctx: [_token(ctx)]),
    Row("practices:unsubscribe", everyone(saved()), args=lambda ctx: [_token(ctx)],
        method="post"),
    Row("practices:unsubscribe", everyone(404), args=lambda ctx: ["forged"]),
    Row("practices:unsubscribe", everyone(404), args=lambda ctx: ["forged"], method="post"),
    Row("practices:open_csv", everyone()),
    Row("practices:open_json", everyone()),
    Row("practices:feed", everyone()),
]

__all__ = ["FORBIDDEN", "OK", "ROWS", "SIGNIN", "setup"]


#: a 1×1 PNG
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _media(kind: str):
    """``/media/<path>`` of a photo attached to the module's ``draft`` or ``published`` practice
    (made on first use)."""
    def args(ctx):
        key = f"media_{kind}"
        if key not in ctx:
            from django.core.files.base import ContentFile

            from aimak_web.practices.models import Attachment

            a = Attachment(practice=ctx[kind], kind="photo", original_name="photo.png",
                           size=len(PNG))
            a.file.save("photo.png", ContentFile(PNG), save=True)
            ctx[key] = a.file.name
        return [ctx[key]]
    return args


ROWS += [
    # uploaded files: a published practice's photo is public, a draft's only for its readers
    Row("media", everyone(), args=_media("published")),
    Row("media", {**only({"citizen", "moderator", "admin"}), "anonymous": FORBIDDEN},
        args=_media("draft")),
]
