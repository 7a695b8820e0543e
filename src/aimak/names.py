"""Matching place names across Russian, Kyrgyz and Latin spellings, with suggestions.

Kyrgyz place names reach us in several spellings: the Soviet-era Russian forms of the classifier
(«Джаны-Джол», «Кек-Алма»), modern Kyrgyz («Жаңы-Жол», «Көк-Алма») and several Latin
transliterations (Dzhany-Dzhol, Jany-Jol, Zhany-Zhol). ``name_key`` folds them into one key:
lower case, Cyrillic transliterated, дж/ж/dzh/zh/j to one letter, y/i and doubled letters merged,
punctuation dropped. ``skeleton`` keeps only consonants, which also absorbs the е/ө/о and у/ү/ю
vowel shifts between the Russian and Kyrgyz forms. ``NameIndex`` looks ids up by any of their
names and suggests the closest ones otherwise, so that nothing is guessed silently.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from difflib import SequenceMatcher

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_LATIN = [
    ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("x", "h"), ("q", "k"), ("w", "v"),
    ("yu", "u"), ("ya", "a"), ("ye", "e"), ("yo", "o"),
    ("ts", "s"), ("c", "s"), ("y", "i"),
]
#: Words that qualify a name rather than belong to it (imeni = "named after", village, etc.).
_NOISE = re.compile(r"\b(им|имени|imeni|im|с|село|selo|пос|поселок|пгт|г|город|айыл|ayil|aiyl|"
                    r"village|town|city)\b\.?")
_VOWELS = set("aeiou")


def _fold_latin(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def name_key(name: object) -> str:
    """A spelling-insensitive key: equal keys mean "the same name" for matching purposes."""
    if name is None or (isinstance(name, float) and name != name) or name == "":
        return ""
    text = str(name).lower().replace("’", "").replace("'", "").replace("ʼ", "")
    text = _NOISE.sub(" ", text)
    text = "".join(_CYR.get(ch, ch) for ch in text)
    text = _fold_latin(text)
    text = re.sub(r"[^a-z0-9]", "", text)
    for old, new in _LATIN:
        text = text.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", text)


def skeleton(name: str | None) -> str:
    """The consonants of ``name_key``: absorbs vowel shifts such as Кек/Көк, Озгерюш/Өзгөрүш."""
    return "".join(ch for ch in name_key(name) if ch not in _VOWELS)


def similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two names, computed on their keys."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    return SequenceMatcher(None, ka, kb).ratio()


def suggestions(name: str, candidates: list[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The ``n`` candidates most similar to ``name`` (for "did you mean" messages)."""
    scored = sorted(((similarity(name, c), c) for c in candidates), reverse=True)
    return [c for s, c in scored[:n] if s >= cutoff]


class NameIndex:
    """Look up ids by any of their names; suggest close names for the rest.

    ``names`` and ``ids`` are parallel sequences: one id may appear with several names (Russian,
    Kyrgyz, English, a form label), and one name may belong to several ids (villages of the same
    name in different rayons), in which case a lookup returns them all.
    """

    def __init__(self, names: Sequence[object], ids: Sequence[str]) -> None:
        if len(names) != len(ids):
            raise ValueError("names and ids must have the same length")
        self._by_key: dict[str, list[str]] = defaultdict(list)
        for name, id_ in zip(names, ids, strict=True):
            key = name_key(name)
            if key and id_ not in self._by_key[key]:
                self._by_key[key].append(id_)
        self._keys = list(self._by_key)

    def lookup(self, value: object) -> list[str]:
        """Ids whose name has the same key as ``value`` (empty when none)."""
        return list(self._by_key.get(name_key(value), []))

    def suggest(self, value: object, n: int = 3, cutoff: float = 0.6) -> list[str]:
        """Up to ``n`` ids with the most similar names (similarity of keys >= ``cutoff``)."""
        key = name_key(value)
        if not key:
            return []
        out: list[str] = []
        for close in difflib.get_close_matches(key, self._keys, n=n, cutoff=cutoff):
            for id_ in self._by_key[close]:
                if id_ not in out:
                    out.append(id_)
        return out[:n]
