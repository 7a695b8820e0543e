"""Blind judging: an application's texts without the names that would identify its applicant.

Every name of the places directory is replaced (the applicant's municipality, villages and rayon
by placeholders of their kind, any other place, oblast included, by "[place]": a neighbour named
is a hint), and so are the applicant's officials (head, contact person, staff accounts), phone
numbers (the ``phonenumbers`` matcher, Kyrgyz numbers by default) and e-mail addresses.

For the jury (``others``) every date, document number («№8») and pair of initials («Т.Б.»)
goes too: a council decision's number and date are printed on the municipality's public
hearing pages.

So are the figures and dates of the applicant's own hearings on the platform (attendance, women,
men, proposals, days of notice; notice and meeting days): they are public per hearing
(``/api/hearings/``), so «64 people, 30 women» in an application's text would find its
municipality with one lookup. The jury sees those facts only as shared bands (``presenter``).

A word matches a name when one of its readings does:

* Russian inflection and derivation by pymorphy3: «Асанову» -> асанов, «Первого» -> первый,
  «Жаны-Жольского» -> жаны-жольский -> жаны-жол (adjective suffix removed by rule);
* Kyrgyz case, possessive and plural suffixes removed by rule («Жаңы-Жолдон» -> Жаңы-Жол);
* other spellings through ``aimak.names.name_key`` (Джаны-Джол / Жаңы-Жол / Jany-Jol).

The scan that checks the jury's pages (``tests/web/blind_scan.py``) shares none of this: it
generates case forms with other tools.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property

import phonenumbers
import pymorphy3
from django.utils.translation import gettext as _

from aimak.names import KIND_WORDS, name_key

from .facts import platform_facts

#: Words that qualify a place name ("Jany-Jol ayil aimak", "Первый район") rather than make it:
#: the kinds of place, and the words of a self-government body's title.
GENERIC = KIND_WORDS | {"окмоту", "өкмөтү", "okmotu", "кенеш", "кеңеш", "ао", "аа", "им", "имени"}
#: Ordinary words of hearing texts that are never a name there, alone: the demo walk found them
#: masked, «Кеңештин», «кенеша» by the village Кенеш (Chui), «айыл», «тел.» by a contact field
#: («Асанов, айыл өкмөтү, тел.») read as an official's name, «акими», «колдоду», «токтому» by
#: the roots of places. A word whose readings hold one of these starts no one-word name (a
#: village «Кенеш» goes unmasked: the price of reading «кеңеш» as the council it nearly always is).
COMMON = frozenset({
    "кеңеш", "кенеш", "кенеша", "айыл", "аймак", "аймагы", "аким", "акими", "тел", "телефон",
    "токтом", "токтому", "колдоо", "колдо", "колдоду", "башчы", "жыйын", "чечим", "өкмөт",
    "өкмөтү", "окмоту",
})
#: a word, hyphenated parts included, also across a line break after the hyphen (PDF text)
TOKEN = re.compile(r"\w+(?:[-‐’'ʼ](?:\r?\n)?\w+)*")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
#: Russian adjectives made from place names: Жаны-Жольский, Ошская, Кок-Алминского
ADJECTIVE = ("ьский", "инский", "енский", "овский", "евский", "ский", "цкий")
#: Kyrgyz endings (case, possessive, plural, "from"), longest first; stripped up to twice
KY_SUFFIXES = sorted({
    *(a + b for a in ("н", "д", "т") for b in ("ын", "ин", "ун", "үн")),           # genitive
    *(a + b for a in ("г", "к", "н") for b in ("а", "е", "о", "ө")),               # dative
    *(a + b for a in ("н", "д", "т") for b in ("ы", "и", "у", "ү")),               # accusative
    *(a + b for a in ("д", "т", "нд") for b in ("а", "е", "о", "ө")),              # locative
    *(a + b for a in ("д", "т", "н") for b in ("ан", "ен", "он", "өн")),           # ablative
    *(a + b for a in ("л", "д", "т") for b in ("ар", "ер", "ор", "өр")),           # plural
    *(a + b for a in ("л", "д", "т") for b in ("ык", "ик", "ук", "үк")),           # from
    "сы", "си", "су", "сү", "ы", "и", "у", "ү",                                    # possessive
}, key=len, reverse=True)
MIN_ROOT = 4
MAX_ENDING = 6
KINDS = ("municipality", "village", "rayon", "place", "official")
#: the public figures of a hearing that a text could repeat (``facts.FIELDS``)
FIGURES = ("attendance_total", "attendance_women", "attendance_men", "proposals",
           "notice_lead_days")
#: a number standing alone (not part of a decimal, a code or a word)
NUMBER = re.compile(r"(?<![\w.,])\d{1,6}(?!\w|[.,]\d)")
#: month names by their first letters (Russian and Kyrgyz share them; English)
MONTHS = {"янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "маю": 5,
          "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
          "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
          "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH = "|".join(MONTHS)
#: dates as (day, month) in the text: 2026-07-16, 16.07(.2026), 16 июля, 16-июлда, July 16
DATES = [
    (re.compile(r"\b\d{4}-(\d{1,2})-(\d{1,2})\b"), lambda m: (int(m[2]), int(m[1]))),
    (re.compile(r"\b(\d{1,2})[./](\d{1,2})(?:[./](?:\d{4}|\d{2}))?\b"),
     lambda m: (int(m[1]), int(m[2]))),
    (re.compile(rf"\b(\d{{1,2}})(?:-?го)?[\s-]*({_MONTH})\w*", re.IGNORECASE),
     lambda m: (int(m[1]), MONTHS[m[2].lower()])),
    (re.compile(rf"\b({_MONTH})\w*\s+(\d{{1,2}})\b", re.IGNORECASE),
     lambda m: (int(m[2]), MONTHS[m[1].lower()])),
]

#: month words in full (a bare prefix such as «мар» would catch «маршрут»)
_MONTH_WORD = (r"(?:январ|феврал|март|апрел|ма[йяюе]|июн|июл|август|сентябр|октябр|ноябр|декабр)"
               r"\w*|(?:january|february|march|april|may|june|july|august|september|october"
               r"|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?")
#: any date, for the jury's texts (a council decision's date finds it on the municipality's
#: public pages): 16.02.2023, 2026-03-12, «12 марта 2026 года», «16-февраль», «2023-жылдын
#: 16-февралындагы», «2026-ж., 7-декабрь», «March 12, 2026»; a year alone is left
ANY_DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})\b(?:\s*(?:года|год|г\.))?"
    rf"|(?:\b\d{{4}}\s*-?\s*(?:жылдын|жылы|ж\.)\s*,?\s*)?\b\d{{1,2}}(?:-?го)?[\s-]*(?:{_MONTH_WORD})"
    r"(?:\s+\d{4}(?:\s*(?:года|году|год|г\.|-ж\.?|-жыл\w*))?)?"
    rf"|\b(?:{_MONTH_WORD})\s+\d{{1,2}}\b(?:,?\s+\d{{4}})?",
    re.IGNORECASE)
#: a document's number: «№8», «№ 12-3», «No. 8»
DOC_NUMBER = re.compile(r"(?:№|\bNo\.)\s*\d[\w/-]*")
#: an official's initials, «Т.Б.» or «Т. Б.» (two capitals, each with its full stop)
INITIALS = re.compile(r"\b[А-ЯЁӨҮҢA-Z]\.\s?[А-ЯЁӨҮҢA-Z]\.")


def _day(value) -> date | None:
    """A fact's day (an ISO string as kept in ``auto_facts``, or a date)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@cache
def _morph():
    return pymorphy3.MorphAnalyzer()  # loads its dictionaries once, on first use


@cache
def _lemmas(word: str) -> frozenset[str]:
    """pymorphy3's normal forms of a (lower-case) word, adjectives of places reduced."""
    if not re.search("[а-яё]", word):
        return frozenset()
    out = set()
    for parse in _morph().parse(word):
        lemma = parse.normal_form
        out.add(lemma)
        for suffix in ADJECTIVE:
            if lemma.endswith(suffix) and len(lemma) - len(suffix) >= 2:
                out.add(lemma[: -len(suffix)])
                break
    return frozenset(out)


def _kyrgyz_stems(word: str, depth: int = 2) -> set[str]:
    out = set()
    for suffix in KY_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            out.add(stem)
            if depth > 1:
                out |= _kyrgyz_stems(stem, depth - 1)
    return out


@cache
def readings(word: str) -> frozenset[str]:
    """The keys a word may stand for: itself, its Russian lemmas, its Kyrgyz stems."""
    low = word.lower().replace("ё", "е")
    forms = {low} | set(_lemmas(low)) | _kyrgyz_stems(low)
    return frozenset(k for k in (name_key(f) for f in forms) if k)


@cache
def _common(word: str) -> bool:
    """Whether ``word`` is one of ``COMMON`` in some case form (compared as written: the keys
    of ``name_key`` drop some of these words altogether)."""
    low = word.lower().replace("ё", "е")
    return bool(({low} | _lemmas(low) | _kyrgyz_stems(low)) & COMMON)


def _roots(key: str) -> set[str]:
    """A name's key without its final vowel(s): Кок-Алма -> kokalm, Ак-Суу -> aksu."""
    out = {key}
    if key[-1:] in "aeiouy":
        out |= {key[:-1], key.rstrip("aeiouy")}
    return {r for r in out if len(r) >= MIN_ROOT}


@dataclass(frozen=True)
class Name:
    keys: tuple[frozenset[str], ...]  # per word of the name, the keys it matches
    kind: str
    owner: tuple[str, int] | None  # ("municipality" | "settlement" | "rayon" | "oblast", pk)


def _name(text: str, kind: str, owner=None, strip_generic: bool = True) -> Name | None:
    words = TOKEN.findall(text or "")
    if strip_generic:
        core = [w for w in words if w.lower() not in GENERIC]
        words = core or words
    keys = tuple(frozenset({name_key(w)} | {name_key(lemma) for lemma in _lemmas(w.lower())})
                 - {""} for w in words)
    if not keys or not all(keys):
        return None
    return Name(keys, kind, owner)


class Directory:
    """Every place name of the directory, indexed by the key of its first word (and by its
    root, for inflected and derived forms)."""

    def __init__(self, names: list[Name]) -> None:
        self.exact: dict[str, list[Name]] = {}
        self.roots: dict[str, list[Name]] = {}
        for n in names:
            for k in n.keys[0]:
                self.exact.setdefault(k, []).append(n)
                if n.kind != "official" and len(n.keys) == 1:
                    for root in _roots(k):
                        self.roots.setdefault(root, []).append(n)
        self.longest = max((len(n.keys) for n in names), default=1)

    def candidates(self, word_keys: frozenset[str]) -> list[Name]:
        found = [n for k in word_keys for n in self.exact.get(k, ())]
        for k in word_keys:  # inflected or derived single-word place names
            for cut in range(max(MIN_ROOT, len(k) - MAX_ENDING), len(k) + 1):
                found += self.roots.get(k[:cut], ())
        return found


_cache: dict[str, object] = {}


def directory() -> Directory:
    """The directory of the places' names, rebuilt whenever a name changes: a place renamed,
    added or removed after the names were read must be hidden at once."""
    from aimak_web.places.models import Municipality, Oblast, Rayon, Settlement

    models = {"oblast": Oblast, "rayon": Rayon, "municipality": Municipality,
              "settlement": Settlement}
    rows = {label: tuple(model.objects.order_by("pk").values_list(
                "pk", "name_ru", "name_ky", "name_en",
                *(["centre_name"] if label == "municipality" else [])))
            for label, model in models.items()}
    version = hash(tuple(rows.items()))
    if _cache.get("version") != version:
        names = [n for label, found in rows.items() for row in found for text in set(row[1:])
                 for n in [_name(text, "place", (label, row[0]))] if n]
        _cache.update(version=version, directory=Directory(names))
    return _cache["directory"]


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    kind: str


class Anonymiser:
    """Replaces the names of places (the applicant's by kind), officials, phones and e-mails."""

    def __init__(self, municipality, officials: list[str] = (), hearings: list[dict] = (),
                 others: bool = True) -> None:
        self.municipality = municipality
        #: whether places other than the municipality's own (and links) are replaced too; the
        #: journal's anonymous questions keep them (a law's place, a link to the act)
        self.others = others
        # figures of 0 and 1 say nothing and are everywhere («1-орун»)
        self.figures = {int(h[k]) for h in hearings for k in FIGURES
                        if isinstance(h.get(k), int | float) and h[k] >= 2}
        self.days = {(d.day, d.month) for h in hearings
                     for d in (_day(h.get("notice_date")), _day(h.get("meeting_date"))) if d}
        self.own = {("municipality", municipality.pk): "municipality",
                    ("rayon", municipality.rayon_id): "rayon"}
        for pk in municipality.settlements.values_list("pk", flat=True):
            self.own[("settlement", pk)] = "village"
        self.officials = [n for person in officials if (person or "").strip()
                          for n in [_name(person, "official", strip_generic=False)] if n]
        # each word of an official's name alone too (a surname, a first name)
        self.officials += [Name((k,), "official", None) for n in list(self.officials)
                           for k in n.keys if min(len(x) for x in k) >= 3]

    @classmethod
    def for_application(cls, application) -> Anonymiser:
        from aimak_web.accounts.models import Role, User

        staff = User.objects.filter(municipality=application.municipality,
                                    role=Role.MUNICIPAL_STAFF).values_list("full_name", flat=True)
        officials = [application.head_name, application.contact_name,
                     *[s for s in staff if len(s) >= 4]]
        # its hearings as captured at submission, and as the platform shows them now
        hearings = [f for f in application.auto_facts or [] if isinstance(f, dict)]
        hearings += platform_facts(application.municipality, date(2000, 1, 1),
                                   date(2100, 12, 31))
        return cls(application.municipality, officials, hearings)

    @staticmethod
    def placeholder(kind: str) -> str:
        return {"municipality": _("[municipality]"), "village": _("[village]"),
                "rayon": _("[rayon]"), "place": _("[place]"), "official": _("[official]"),
                "phone": _("[phone]"), "email": _("[e-mail]"),
                "link": _("[link]"), "figure": _("[figure]"), "date": _("[date]"),
                "document": _("[document no.]")}[kind]

    @cached_property
    def _index(self) -> Directory:
        return directory()

    @cached_property
    def _people(self) -> Directory:
        return Directory(self.officials)

    def _kind(self, name: Name) -> str:
        return self.own.get(name.owner, name.kind) if name.owner else name.kind

    def find(self, text: str) -> list[Match]:
        """The spans of ``text`` to replace, in order, not overlapping."""
        if not text:
            return []
        spans: list[Match] = [Match(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
        if self.others:
            spans += [Match(m.start(), m.end(), "link") for m in LINK.finditer(text)]
        for m in phonenumbers.PhoneNumberMatcher(text, "KG",
                                                 leniency=phonenumbers.Leniency.POSSIBLE):
            spans.append(Match(m.start, m.end, "phone"))
        spans += self._figures(text)
        if self.others:  # the jury's full blinding (the journal keeps a law's number, date)
            spans += [Match(m.start(), m.end(), kind) for pattern, kind in (
                (ANY_DATE, "date"), (DOC_NUMBER, "document"), (INITIALS, "official"))
                for m in pattern.finditer(text)]
        tokens = list(TOKEN.finditer(text))
        keys = [readings(re.sub(r"\s", "", t.group())) for t in tokens]
        i = 0
        while i < len(tokens):
            best = None
            common = _common(tokens[i].group())
            for index in (self._people, self._index):
                for name in index.candidates(keys[i]):
                    size = len(name.keys)
                    if i + size > len(tokens) or (best and size <= best[0]) or (
                            common and size == 1):
                        continue
                    if not self.others and name.owner and name.owner not in self.own:
                        continue
                    if all(keys[i + j] & name.keys[j] for j in range(1, size)) and (
                            size > 1 or keys[i] & name.keys[0] or name.kind != "official"):
                        best = (size, name)
            if best:
                size, name = best
                spans.append(Match(tokens[i].start(), tokens[i + size - 1].end(),
                                   self._kind(name)))
                i += size
            else:
                i += 1
        spans.sort(key=lambda m: (m.start, -m.end))
        out: list[Match] = []
        for m in spans:
            if out and m.start < out[-1].end:
                continue
            out.append(m)
        return out

    def _figures(self, text: str) -> list[Match]:
        """Dates and numbers of ``text`` that repeat the applicant's public hearing facts."""
        out = []
        if self.days:
            for pattern, day_month in DATES:
                out += [Match(m.start(), m.end(), "date") for m in pattern.finditer(text)
                        if day_month(m) in self.days]
        if self.figures:
            out += [Match(m.start(), m.end(), "figure") for m in NUMBER.finditer(text)
                    if int(m.group()) in self.figures
                    and not any(d.start <= m.start() < d.end for d in out)]
        return out

    def text(self, text: str) -> str:
        """``text`` with every name replaced by a placeholder of its kind."""
        if not text:
            return text or ""
        out, pos = [], 0
        for m in self.find(text):
            out += [text[pos:m.start], self.placeholder(m.kind)]
            pos = m.end
        out.append(text[pos:])
        return "".join(out)
