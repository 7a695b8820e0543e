"""Permission rows of the practices portal (see ``permtable``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from .permtable import SIGNIN, Row, everyone, only, signed_in


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
    from aimak_web.practices.models import Entry

    u, pl = ctx["users"], ctx["places"]
    ctx["draft"] = make_practice(u["citizen"], munis=[pl["a"]])
    ctx["published"] = make_practice(u["municipal_staff"], "published", "lsg", body=pl["a"],
                                     munis=[pl["a"]])
    ctx["edition"] = make_edition()
    ctx["entry"] = Entry.objects.create(edition=ctx["edition"], practice=ctx["published"],
                                        category=ctx["edition"].categories.get(code="lsg"))


def _token(ctx):
    from aimak_web.practices.mail import unsubscribe_token

    return unsubscribe_token(ctx["users"]["citizen"])


def _draft(ctx):
    return [ctx["draft"].pk]


def _pub(ctx):
    return [ctx["published"].pk]


ROWS = [
    Row("practices:index", everyone()),
    Row("practices:create", signed_in()),
    Row("practices:mine", signed_in()),
    Row("practices:moderation", only({"moderator", "admin"})),
    # a draft: its submitter and the moderators see it; anonymous visitors do not learn it exists
    Row("practices:detail", {**only({"citizen", "moderator", "admin"}), "anonymous": 404},
        args=_draft),
    Row("practices:detail", everyone(), args=_pub),
    Row("practices:print", everyone(), args=_pub),
    Row("practices:print", {**only({"citizen", "moderator", "admin"}), "anonymous": 404},
        args=_draft),
    # only the submitter edits a draft (staff of another municipality neither)
    Row("practices:edit", only({"citizen"}), args=_draft),
    # a published practice of municipality a's body is not editable any more
    Row("practices:edit", only(set()), args=_pub),
    # an empty upload: the editor is sent back with the error
    Row("practices:attach", only({"citizen"}, 302), args=_draft, method="post"),
    # a draft cannot be reviewed: moderators are sent back with a message, others refused
    Row("practices:transition", only({"moderator", "admin"}, 302),
        args=lambda ctx: [ctx["draft"].pk, "start_review"], method="post"),
    Row("practices:contest", everyone()),
    Row("practices:edition", everyone(), args=lambda ctx: [ctx["edition"].pk]),
    # staff of the body that published the practice enter it (already entered: sent back)
    Row("practices:enter", only({"municipal_staff"}, 302),
        args=lambda ctx: [ctx["edition"].pk, ctx["published"].pk], method="post"),
    # results during the vote: organisers and the jury only
    Row("practices:results", only({"jury", "moderator", "admin"}),
        args=lambda ctx: [ctx["edition"].pk]),
    Row("practices:anomalies", only({"admin"}), args=lambda ctx: [ctx["edition"].pk]),
    # everyone signed in is sent back to the edition, told whether the vote counted or why not
    # (only verified people vote; the entrant's staff never for their own entry)
    Row("practices:vote", signed_in(302), args=lambda ctx: [ctx["entry"].pk],
        method="post"),
    Row("practices:score", only({"jury"}), args=lambda ctx: [ctx["entry"].pk]),
    Row("practices:subscription", signed_in()),
    # the link in an e-mail works without signing in; a forged token is not found
    Row("practices:unsubscribe", everyone(), args=lambda ctx: [_token(ctx)]),
    Row("practices:unsubscribe", everyone(404), args=lambda ctx: ["forged"]),
    Row("practices:digest_pdf", everyone()),
    Row("practices:open_csv", everyone()),
    Row("practices:open_json", everyone()),
    Row("practices:feed", everyone()),
]

__all__ = ["ROWS", "SIGNIN", "setup"]


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
    Row("media", {**only({"citizen", "moderator", "admin"}), "anonymous": 403},
        args=_media("draft")),
]
