"""Full-text search of published practices in Russian and Kyrgyz, on PostgreSQL and SQLite.

PostgreSQL: ``django.contrib.postgres.search`` with the ``russian`` configuration over the Russian
texts and ``simple`` over the Kyrgyz ones, combined, ranked by ``SearchRank``. SQLite: an FTS5
virtual table ``practices_fts`` (created by a migration that runs only on SQLite) holding the
texts as Snowball-stemmed tokens, ranked by ``bm25``. On both, a query typed in Latin letters is
first spelled in Cyrillic, so «vodosnabzhenie» finds «водоснабжения».
"""

from __future__ import annotations

import re

import snowballstemmer
from django.db import connection
from django.db.models import Case, IntegerField, Value, When

_STEMMER = snowballstemmer.stemmer("russian")
_WORD = re.compile(r"\w+", re.UNICODE)
#: Latin → Cyrillic, longest first (the usual Russian and Kyrgyz romanisations).
_LATIN = [("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
          ("ya", "я"), ("yu", "ю"), ("yo", "ё"), ("ng", "ң"), ("oe", "ө"), ("ue", "ү"),
          ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
          ("h", "х"), ("i", "и"), ("j", "ж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
          ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
          ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "ы"), ("z", "з"), ("ö", "ө"), ("ü", "ү")]
_LATIN_RE = re.compile("|".join(re.escape(a) for a, _b in _LATIN))
_LATIN_MAP = dict(_LATIN)


def to_cyrillic(text: str) -> str:
    """Spell words written in Latin letters in Cyrillic (others unchanged)."""
    def word(m: re.Match) -> str:
        w = m.group(0)
        if re.search("[a-zöü]", w):
            return _LATIN_RE.sub(lambda x: _LATIN_MAP[x.group(0)], w)
        return w
    return _WORD.sub(word, text.lower())


def stems(text: str) -> list[str]:
    """The Snowball (Russian) stems of the words of ``text``, Latin spelt in Cyrillic first."""
    words = _WORD.findall(to_cyrillic(text or "").replace("ё", "е"))
    return [s for s in _STEMMER.stemWords(words) if s]


def _fts_match(query: str) -> str:
    return " ".join(f'"{s}"' for s in dict.fromkeys(stems(query)))


def index_practice(practice) -> None:
    """Keep the SQLite FTS5 row of a practice in step with its texts (no-op elsewhere)."""
    if connection.vendor != "sqlite":
        return
    title = " ".join(stems(f"{practice.title_ru} {practice.title_ky}"))
    body = " ".join(stems(" ".join(getattr(practice, f"{f}_{lang}") for f in
                                   ("problem", "solution", "results", "repeat")
                                   for lang in ("ru", "ky"))))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM practices_fts WHERE rowid = %s", [practice.pk])
        cur.execute("INSERT INTO practices_fts(rowid, title, body) VALUES (%s, %s, %s)",
                    [practice.pk, title, body])


def unindex_practice(pk: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("DELETE FROM practices_fts WHERE rowid = %s", [pk])


def search(queryset, query: str):
    """``queryset`` narrowed to the practices matching ``query``, most relevant first."""
    query = (query or "").strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (SearchVector("title_ru", config="russian", weight="A")
                  + SearchVector("title_ky", config="simple", weight="A")
                  + SearchVector("problem_ru", "solution_ru", "results_ru", "repeat_ru",
                                 config="russian", weight="B")
                  + SearchVector("problem_ky", "solution_ky", "results_ky", "repeat_ky",
                                 config="simple", weight="B"))
        text = to_cyrillic(query)
        q = SearchQuery(text, config="russian") | SearchQuery(text, config="simple")
        return (queryset.annotate(rank=SearchRank(vector, q)).filter(rank__gt=0)
                .order_by("-rank", "-published_at"))
    match = _fts_match(query)
    if not match:
        return queryset.none()
    with connection.cursor() as cur:
        cur.execute("SELECT rowid, bm25(practices_fts, 5.0, 1.0) FROM practices_fts "
                    "WHERE practices_fts MATCH %s", [match])
        ranks = dict(cur.fetchall())
    order = sorted(ranks, key=lambda pk: (ranks[pk], -pk))
    if not order:
        return queryset.none()
    position = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(order)],
                    output_field=IntegerField())
    return queryset.filter(pk__in=order).annotate(rank=position).order_by("rank")
