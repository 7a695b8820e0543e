"""Search keys of Kyrgyz words: the nominal suffixes stripped, the spelling folded.

Why a suffix stripper written here (issue 24 weighed three ways):

- ``kyrgyz-morph-tagger`` lemmatises well, but it is licensed for non-commercial use only,
  needs PyTorch and ``transformers`` and downloads a 48 MB checkpoint plus ``xlm-roberta-base``
  (1.1 GB) from a model hub at first use: too heavy and not free enough for a village-connection
  web server, and impossible where the hub is not reachable.
- ``kyrgyz`` (MIT, rule-based) *generates* case forms from a stem; it has no analysis and no
  plural or possessive yet. The tests use it as an independent oracle of case forms.
- So the keys come from the published Kyrgyz noun morphology (Кыргыз тилинин грамматикасы,
  1987; Kasymova et al., *Kyrgyz grammar*): a noun is a stem followed by plural, possessive and
  case suffixes, each with variants chosen by vowel harmony (back/front, rounded/unrounded:
  а/е/о/ө, ы/и/у/ү) and by the stem's last sound (л/д/т, н/д/т, г/к, д/т).

A word's key: lower case, Kyrgyz letters folded to the Russian keyboard (ө→о, ү→у, ң→н: what
people type without a Kyrgyz layout), then the longest known suffix stripped again and again
while a stem of at least two letters with a vowel remains, and the stem's final voiced
consonant that a vowel suffix brings out (булак → булагы, мектеп → мектеби) put back
(г→к, б→п). Stripping repeats until nothing more comes off, so every form of a word reaches
the same key as the word itself, whatever its own ending looks like; harmony is not needed to
strip, because folding merges the front rounded vowels into the back ones anyway. A key is a
search key, not a linguist's lemma: two words may share one (a loss of precision that ranking
absorbs), but the forms of one word do not get different ones.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

FOLD = str.maketrans({"ө": "о", "ү": "у", "ң": "н", "ё": "е", "һ": "х"})
VOWELS = frozenset("аеиоуыэюя")
MIN_STEM = 2
#: archiphonemes of the suffix patterns and their letters (already folded)
ARCHI = {"A": "аео", "I": "ыиу", "L": "лдт", "D": "дт", "N": "ндт", "G": "гк", "B": "бп"}

# Nominal suffixes (patterns over the archiphonemes; ң written as н: folded).
PLURAL = ["LAр"]
POSSESSIVE = [
    "Iм", "м",  # 1st singular
    "Iн", "н",  # 2nd singular (ң)
    "IнIз", "нIз",  # 2nd singular polite
    "сI", "I",  # 3rd person
    "IбIз", "бIз",  # 1st plural
    "IнAр", "нAр",  # 2nd plural
    "IнIздAр", "нIздAр",  # 2nd plural polite
]
CASE = [
    "NIн",  # genitive
    "GA", "нA", "мA",  # dative (after a consonant or vowel; after the 3rd / 1st possessive)
    "NI",  # accusative (after the 3rd possessive: "н", above)
    "DA", "нDA",  # locative
    "DAн", "нAн",  # ablative
    "DAгI", "нDAгI",  # attributive (-дагы: "in the ...")
    "чA",  # equative (-ча: "кыргызча")
]


def _expand(pattern: str) -> set[str]:
    letters = [ARCHI.get(ch, ch) for ch in pattern]
    return {"".join(p) for p in product(*letters)}


@lru_cache(maxsize=1)
def suffixes() -> tuple[str, ...]:
    """Every suffix variant (folded), longest first."""
    out: set[str] = set()
    for pattern in PLURAL + POSSESSIVE + CASE:
        out |= _expand(pattern)
    return tuple(sorted(out, key=lambda s: (-len(s), s)))


def fold(word: str) -> str:
    """Lower case, Kyrgyz letters typed as on a Russian keyboard (ө→о, ү→у, ң→н)."""
    return word.lower().translate(FOLD)


VOICED = frozenset("бвгджзйлмнр")
VOICELESS = frozenset("кпстфхцчшщ")
#: what a suffix's first letter needs before it (consonant assimilation): н, м, с, б and л
#: follow a vowel (л also р and й); д a vowel or a voiced consonant (д of the genitive,
#: accusative and plural only a consonant); т and к a voiceless consonant; г a vowel or a
#: voiced consonant; a vowel a consonant.
_AFTER = {"н": VOWELS, "м": VOWELS, "с": VOWELS, "б": VOWELS, "л": VOWELS | {"р", "й"},
          "д": VOWELS | VOICED, "т": VOICELESS, "к": VOICELESS, "г": VOWELS | VOICED}
_CONSONANT_D = ("дын", "дин", "дун", "ды", "ди", "ду", "дар", "дер", "дор")
#: irregular forms whose stem changes (бала "child", балдар "children")
IRREGULAR = {"балдар": "бала"}


def _fits(stem: str, suffix: str) -> bool:
    """Whether ``suffix`` may follow ``stem`` (its first sound agrees with the stem's last)."""
    last, first = stem[-1], suffix[0]
    if first in VOWELS:
        return last not in VOWELS
    if first == "д" and suffix in _CONSONANT_D:
        return last in VOICED
    allowed = _AFTER.get(first)
    return allowed is None or last in allowed


def _strip_once(word: str) -> str | None:
    for s in suffixes():
        if len(word) - len(s) >= MIN_STEM and word.endswith(s):
            stem = word[: -len(s)]
            if any(ch in VOWELS for ch in stem) and _fits(stem, s):
                return stem
    return None


_FINAL = {"г": "к", "б": "п"}


@lru_cache(maxsize=50_000)
def key(word: str) -> str:
    """The search key of one Kyrgyz word (see the module's docstring)."""
    w = fold(word)
    if not w.isalpha():
        return w
    for form, stem in IRREGULAR.items():
        if w.startswith(form):
            w = stem + w[len(form):] if w == form else stem
            break
    while (stem := _strip_once(w)) is not None:
        w = stem
    if w[-1] in _FINAL and len(w) > MIN_STEM:
        w = w[:-1] + _FINAL[w[-1]]
    return w


_WORD = re.compile(r"\w+", re.UNICODE)


def keys(text: str) -> list[str]:
    """The keys of the words of a Kyrgyz ``text``."""
    return [key(w) for w in _WORD.findall(text or "")]
