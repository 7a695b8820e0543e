"""Full-text search of the portal and the journal in Russian and Kyrgyz, alike on PostgreSQL
and SQLite.

Every searchable object (a practice, a journal item) has one ``SearchEntry``: its title and
body as *keys*, computed here in Python, so both databases match the same keys and the result
does not depend on which one runs. A Russian text's words are keyed by their Snowball stem, a
Kyrgyz text's by ``morphology.key`` (nominal suffixes stripped, ө/ү/ң folded to о/у/н): one key
a word, so no word counts twice in the ranking. A query's language is not known: each query
word is looked for by both its keys, and every query word must match. A query typed in Latin
letters is first spelt in Cyrillic.

PostgreSQL ranks with ``ts_rank`` over a ``simple`` ``tsvector`` of the keys (title weight A,
body B); SQLite with FTS5's ``bm25`` over the table ``search_fts`` (rowid = the entry's id;
created by a migration that runs only on SQLite), title five times the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import snowballstemmer
from django.db import connection
from django.db.models import Case, IntegerField, Value, When

from . import morphology

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


def words(text: str) -> list[str]:
    """The words of ``text``: Latin spelt in Cyrillic, lower case, ё as е."""
    return _WORD.findall(to_cyrillic(text or "").replace("ё", "е"))


def stems(text: str) -> list[str]:
    """The Snowball (Russian) stems of the words of ``text``, Latin spelt in Cyrillic first."""
    return [s for s in _STEMMER.stemWords(words(text)) if s]


def ru_key(word: str) -> str:
    return _STEMMER.stemWord(morphology.fold(word))


def word_keys(word: str) -> set[str]:
    """The keys a query word is looked for by: its Russian stem and its Kyrgyz key."""
    return {k for k in (ru_key(word), morphology.key(word)) if k}


def analyse(text: str, lang: str) -> str:
    """The keys of the words of a ``lang`` ("ru" or "ky") text, space-separated."""
    keyer = morphology.key if lang == "ky" else ru_key
    return " ".join(k for k in map(keyer, words(text)) if k)


def query_terms(query: str) -> list[set[str]]:
    """For each word of ``query``, the keys any of which finds it."""
    return [word_keys(w) for w in dict.fromkeys(words(query))]


# --- the registry of searchable models ---------------------------------------------------------


@dataclass(frozen=True)
class Searchable:
    """Which fields of a model are its title and body (each with ``_ru`` and ``_ky``)."""

    title: tuple[str, ...]
    body: tuple[str, ...]

    def keys(self, obj) -> tuple[str, str]:
        """The title's and the body's keys, each language by its own analysis."""
        def joined(fields):
            return " ".join(analyse(getattr(obj, f"{f}_{lang}", "") or "", lang)
                            for lang in ("ru", "ky") for f in fields).strip()
        return joined(self.title), joined(self.body)


#: the practices' searchable texts
PRACTICE = Searchable(("title",), ("problem", "solution", "results", "repeat"))
_registry: dict[type, Searchable] = {}


def register(model: type, title: tuple[str, ...], body: tuple[str, ...]) -> None:
    """Index ``model``'s objects on every save (and forget them when deleted)."""
    from django.db.models.signals import post_delete, post_save

    _registry[model] = Searchable(tuple(title), tuple(body))
    post_save.connect(_on_save, sender=model, weak=False,
                      dispatch_uid=f"search_save_{model._meta.label}")
    post_delete.connect(_on_delete, sender=model, weak=False,
                        dispatch_uid=f"search_delete_{model._meta.label}")


def _on_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        index(instance)


def _on_delete(sender, instance, **kwargs) -> None:
    unindex(instance)


def index(obj, spec: Searchable | None = None, SearchEntry=None, ContentType=None) -> None:
    """Write ``obj``'s search entry (and its FTS5 row on SQLite). The historical models of a
    migration may be passed in."""
    if SearchEntry is None:
        from django.contrib.contenttypes.models import ContentType

        from .models import SearchEntry
    spec = spec or _registry[type(obj)]
    title, body = spec.keys(obj)
    ct = ContentType.objects.get_for_model(obj)
    entry, _created = SearchEntry.objects.update_or_create(
        content_type_id=ct.pk, object_id=obj.pk, defaults={"title": title, "body": body})
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("DELETE FROM search_fts WHERE rowid = %s", [entry.pk])
            cur.execute("INSERT INTO search_fts(rowid, title, body) VALUES (%s, %s, %s)",
                        [entry.pk, entry.title, entry.body])


def unindex(obj) -> None:
    from django.contrib.contenttypes.models import ContentType

    from .models import SearchEntry

    ct = ContentType.objects.get_for_model(obj)
    pks = list(SearchEntry.objects.filter(content_type=ct, object_id=obj.pk)
               .values_list("pk", flat=True))
    if connection.vendor == "sqlite" and pks:
        with connection.cursor() as cur:
            cur.executemany("DELETE FROM search_fts WHERE rowid = %s", [[pk] for pk in pks])
    SearchEntry.objects.filter(pk__in=pks).delete()


def reindex_all() -> int:
    """Rebuild every registered model's entries; returns how many were written."""
    n = 0
    for model, spec in _registry.items():
        for obj in model.objects.all().iterator():
            index(obj, spec)
            n += 1
    return n


# --- querying -----------------------------------------------------------------------------------


def _quoted(key: str, quote: str) -> str:
    return quote + key.replace(quote, "") + quote


def ranked_ids(model: type, query: str) -> list[int]:
    """The ids of ``model``'s objects matching ``query``, most relevant first."""
    from django.contrib.contenttypes.models import ContentType

    from .models import SearchEntry

    terms = query_terms(query)
    if not terms:
        return []
    ct = ContentType.objects.get_for_model(model)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        raw = " & ".join("(" + " | ".join(_quoted(k, "'") for k in sorted(t)) + ")"
                         for t in terms)
        q = SearchQuery(raw, config="simple", search_type="raw")
        vector = (SearchVector("title", config="simple", weight="A")
                  + SearchVector("body", config="simple", weight="B"))
        rows = (SearchEntry.objects.filter(content_type=ct).annotate(doc=vector)
                .filter(doc=q).annotate(rank=SearchRank(vector, q))
                .order_by("-rank", "-object_id").values_list("object_id", flat=True))
        return list(rows)
    match = " AND ".join("(" + " OR ".join(_quoted(k, '"') for k in sorted(t)) + ")"
                         for t in terms)
    with connection.cursor() as cur:
        cur.execute("SELECT e.object_id, bm25(search_fts, 5.0, 1.0) AS r FROM search_fts "
                    "JOIN practices_searchentry e ON e.id = search_fts.rowid "
                    "WHERE search_fts MATCH %s AND e.content_type_id = %s "
                    "ORDER BY r, e.object_id DESC", [match, ct.pk])
        return [row[0] for row in cur.fetchall()]


def search(queryset, query: str):
    """``queryset`` narrowed to the objects matching ``query``, most relevant first."""
    query = (query or "").strip()
    if not query:
        return queryset
    order = ranked_ids(queryset.model, query)
    if not order:
        return queryset.none()
    position = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(order)],
                    output_field=IntegerField())
    return queryset.filter(pk__in=order).annotate(rank=position).order_by("rank")
