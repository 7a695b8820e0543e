"""Matching typed settlement names to ids, with suggestions instead of silent guesses.

Names arrive in Russian, Kyrgyz and Latin spellings (Джалал-Абад, Жалал-Абад, Jalal-Abad,
Dzhalal-Abad). ``name_key`` folds such variants into one key: lower case, Cyrillic transliterated,
the letters дж/ж/dzh/zh/j made one, doubled letters and punctuation dropped. Only names whose
key is equal count as a match; anything else gets the closest candidates as suggestions (by
``difflib`` similarity of the keys) for a person to confirm.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
_LATIN_FOLDS = (
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("yu", "u"),
    ("ya", "a"),
    ("q", "k"),
    ("x", "h"),
    ("y", "i"),
)
_QUALIFIERS = re.compile(r"\b(село|с|пгт|г|город|айыл|ayil|aiyl|village|selo|town|city)\b\.?")


def name_key(name: object) -> str:
    """A spelling-insensitive key of a place name ("" for an empty name)."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    text = str(name).lower()
    text = _QUALIFIERS.sub(" ", text)
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = re.sub(r"[^a-z0-9]", "", text)
    for old, new in _LATIN_FOLDS:
        text = text.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", text)


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
