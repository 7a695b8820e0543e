"""Permission rows of the open-data API: read-only for everyone, drafts and hidden items never.

The secret of each list is the title of a draft (a hearing, a practice): no role reads it
through the API, signed in or not. A POST is refused (405) and writes nothing.
"""

from __future__ import annotations

from . import perm_hearings, perm_practices
from .permtable import HIDDEN, MISSING, NOT_ALLOWED, Row, everyone


def setup(ctx: dict) -> None:
    ctx["h"] = {**ctx}
    perm_hearings.setup(ctx["h"])
    ctx["p"] = {**ctx}
    perm_practices.setup(ctx["p"])
    draft = ctx["p"]["draft"]
    draft.title_ru = "Черновик практики, не для публикации"
    draft.save(update_fields=["title_ru"])


def _pk(app, key):
    return lambda ctx: [ctx[app][key].pk]


DRAFT_HEARING = lambda ctx: ctx["h"]["draft"].title_ru  # noqa: E731
DRAFT_PRACTICE = lambda ctx: ctx["p"]["draft"].title_ru  # noqa: E731

ROWS = [
    Row("api-municipality-list", everyone()),
    Row("api-municipality-detail", everyone(), args=lambda ctx: [ctx["places"]["a"].code]),
    Row("api-contest-results-list", everyone()),
    Row("api-contest-results-detail", everyone(MISSING), args=lambda ctx: [1999]),
    Row("api-hearing-list", everyone(HIDDEN), secret=DRAFT_HEARING),
    Row("api-hearing-list", everyone(NOT_ALLOWED), method="post",
        data=lambda ctx: {"title_ru": "new"}),
    Row("api-hearing-detail", everyone(), args=_pk("h", "open")),
    Row("api-hearing-detail", everyone(MISSING), args=_pk("h", "draft")),
    Row("api-hearing-detail", everyone(NOT_ALLOWED), args=_pk("h", "open"), method="put",
        data=lambda ctx: {}),
    Row("api-hearing-detail", everyone(NOT_ALLOWED), args=_pk("h", "open"), method="delete"),
    Row("api-hearing-proposal-list", everyone()),
    Row("api-hearing-proposal-detail", everyone(), args=_pk("h", "proposal")),
    Row("api-hearing-answer-list", everyone()),
    Row("api-hearing-answer-detail", everyone(MISSING), args=lambda ctx: [999999]),
    Row("api-practice-list", everyone(HIDDEN), secret=DRAFT_PRACTICE),
    Row("api-practice-detail", everyone(), args=_pk("p", "published")),
    Row("api-practice-detail", everyone(MISSING), args=_pk("p", "draft")),
]
