"""Matching place names across Russian, Kyrgyz and Latin spellings, with suggestions.

Kyrgyz place names reach us in several spellings: the Soviet-era Russian forms of the classifier
(«Джаны-Джол», «Кек-Алма»), modern Kyrgyz («Жаңы-Жол», «Көк-Алма») and several Latin
transliterations (Dzhany-Dzhol, Jany-Jol, Zhany-Zhol). ``name_key`` folds them into one key:
lower case, Cyrillic transliterated, дж/ж/dzh/zh/j to one letter, y/i and doubled letters merged,
punctuation dropped. ``loose_key`` also folds the vowels the classifier's Russian transcription
exchanges with Kyrgyz (ө ↔ ё/е/о, ү ↔ ю/у) and ң/нг to н; ``unit_key`` reads the forms of an
ayil aimak's name («Бакайырский айылный аймак», «Бакайыр айыл аймагы», «а/а Бакайыр»).
``match_rule`` says by which rule two names are one (``same``, ``spelling``, ``fuzzy``), and
``NameIndex`` looks ids up by any of their names, reports a looser match as such and suggests the
closest names otherwise, so that nothing is guessed silently. ``docs/data.md`` gives the measured
recall and precision on the Kyrgyz/Russian pairs of the shared data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from rapidfuzz import fuzz, process

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "қ": "k", "ғ": "g", "һ": "h", "ұ": "u", "і": "i",
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


#: Words that say what kind of place a name is, in the forms people type and sources write
#: («Ноокенский район», «Бүргөндү айыл аймагы», "Jany-Jol ayil aimak"): a reader may add them
#: to a name the directory holds without them, and they qualify a name rather than make it.
KIND_WORDS = frozenset({
    "район", "району", "районы", "rayon", "raion", "district", "область", "областы", "облусу",
    "oblast", "region", "айыл", "айылы", "айылный", "айылдык", "аймак", "аймагы", "аймагынын",
    "ayil", "aiyl", "aimak", "aymak", "aimagy", "municipality", "село", "поселок", "посёлок",
    "город", "шаары", "шаар", "city", "town", "village"})
#: Words of an ayil aimak's name that say what it is, in the forms the sources use.
_UNIT_WORDS = re.compile(r"\b(айылный|айылдык|айыл|аймагы|аймак|аймагынын|а/а|аа|ayil|aiyl|ayyl|"
                         r"aimak|aymak|aimagy|aa|a/a|okmotu|өкмөтү|округ|сельсовет|"
                         r"rural|community|municipality)\b\.?")
#: Russian adjective endings of the classifier's ayil aimak names (Бакайыр -> Бакайырский).
_ADJECTIVE = re.compile(r"(ский|цкий|ская|ское|ской|skiy|skii|sky)$")
#: Similarity (0-100, rapidfuzz ``ratio`` on loose keys) from which two names count as one.
FUZZY_MIN = 85.0
#: For a fuzzy match of villages, the least similarity of the stricter ``name_key`` too.
STRICT_MIN = 70.0


#: Words around a place name that are not part of it (town, settlement, ruins, "named after").
_LOOSE_NOISE = re.compile(r"\b(шаары|шаарчасы|шаарча|кыштагы|айылы|совхоз|колхоз|зимовье|"
                          r"развалины|поселок|посёлок|участок|культцентр|дистанция|станция|"
                          r"атындагы|имени|им|imeni|atyndagy|sovkhoz|kolkhoz|zimov'ye|ruins)\b\.?")
#: Russian renderings of Kyrgyz toponym parts, on loose keys: -тюбе/-тёбё = -дөбө (hill),
#: -курган = -коргон (fort).
_MORPHEMES = ((re.compile(r"tobo$"), "dobo"), (re.compile(r"rgan$"), "rgon"))


def loose_key(name: object) -> str:
    """``name_key`` with the vowel shifts between Russian transcription and Kyrgyz folded.

    ө/ё/е/о/э/у/ү/ю become one letter (Кек-Арт = Көк-Арт, Кюрёк = Күрөк, Узген = Өзгөн), ң/нг
    and н one (Кюнгей = Күңгөй, Джангы = Жаңы), words such as «шаары», «атындагы», «имени» go
    (with the Russian genitive after «имени»), and the Russian forms of -дөбө and -коргон meet
    the Kyrgyz ones (Кумтюбе = Кум-Дөбө, Ак-Курган = Ак-Коргон)."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    text = str(name).lower()
    named = re.search(r"\b(имени|им|imeni)\b", text) is not None
    text = _LOOSE_NOISE.sub(" ", text)
    words = []
    for word in re.split(r"[\s\-–.,/]+", text):
        key = name_key(word)
        if named and len(key) > 4:
            key = re.sub(r"(a|oi|oy|ei|ogo|ovoi)$", "", key)  # Кирова, Крупской -> Киров, Крупск
        if len(key) > 7:  # Октябрьское = Октябрь, Майское = Май (Russian adjective forms)
            key = re.sub(r"(skoo|skoi|skaia|skaya|skii)$", "", key)
        key = re.sub(r"[eou]", "o", key.replace("ng", "n"))
        for pattern, repl in _MORPHEMES:
            key = pattern.sub(repl, key)
        words.append(key)
    return re.sub(r"(.)\1+", r"\1", "".join(words))


def unit_key(name: object) -> str:
    """The loose key of an ayil aimak's own name, without «айылный аймак» or its other forms and
    without the Russian adjective ending: «Бакайырский айылный аймак» and «Бакайыр» meet."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    text = _UNIT_WORDS.sub(" ", str(name).lower().replace("а/а", " ").replace("a/a", " "))
    text = _ADJECTIVE.sub("", " ".join(text.split()))
    return loose_key(text)


def _stems(key: str) -> set[str]:
    """A key and its forms without a final vowel or linking -n (Тамчы ~ Тамчын-ский)."""
    out = {key}
    bare = key.rstrip("aeiou")
    if len(bare) >= 3:
        out.add(bare)
    if key.endswith("n") and len(key) > 4:
        out.add(key[:-1].rstrip("aeiou"))
    return out


def match_rule(a: object, b: object, units: bool = False) -> str | None:
    """By which rule two names are one place: ``same`` (equal ``name_key``), ``spelling`` (equal
    ``loose_key``, or for ``units`` equal stems of ``unit_key``), ``fuzzy`` (loose keys at least
    ``FUZZY_MIN`` similar), else None."""
    if not name_key(a) or not name_key(b):
        return None
    if name_key(a) == name_key(b):
        return "same"
    la, lb = (unit_key(a), unit_key(b)) if units else (loose_key(a), loose_key(b))
    if la == lb or (units and _stems(la) & _stems(lb)):
        return "spelling"
    if min(len(la), len(lb)) >= 4 and fuzz.ratio(la, lb) >= FUZZY_MIN:
        return "fuzzy"
    return None


def skeleton(name: str | None) -> str:
    """The consonants of ``name_key``: absorbs vowel shifts such as Кек/Көк, Озгерюш/Өзгөрүш."""
    return "".join(ch for ch in name_key(name) if ch not in _VOWELS)


def similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two names, computed on their keys."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    return fuzz.ratio(ka, kb) / 100.0


def suggestions(name: str, candidates: list[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The ``n`` candidates most similar to ``name`` (for "did you mean" messages)."""
    scored = sorted(((similarity(name, c), c) for c in candidates), reverse=True)
    return [c for s, c in scored[:n] if s >= cutoff]


class NameIndex:
    """Look up ids by any of their names; suggest close names for the rest.

    ``names`` and ``ids`` are parallel sequences: one id may appear with several names (Russian,
    Kyrgyz, English, a form label), and one name may belong to several ids (villages of the same
    name in different rayons), in which case a lookup returns them all. ``units`` reads the
    names as ayil aimak names (``unit_key``: «Бакайырский айылный аймак» = «Бакайыр»).
    """

    def __init__(self, names: Sequence[object], ids: Sequence[str], units: bool = False) -> None:
        if len(names) != len(ids):
            raise ValueError("names and ids must have the same length")
        self.units = units
        self._by_key: dict[str, list[str]] = defaultdict(list)
        self._by_loose: dict[str, list[str]] = defaultdict(list)
        self._strict: dict[str, set[str]] = defaultdict(set)
        for name, id_ in zip(names, ids, strict=True):
            key = name_key(name)
            if key and id_ not in self._by_key[key]:
                self._by_key[key].append(id_)
            self._strict[id_].add(key)
            for loose in self._loose_keys(name):
                if id_ not in self._by_loose[loose]:
                    self._by_loose[loose].append(id_)
        self._keys = list(self._by_key)
        self._loose = list(self._by_loose)

    def _loose_keys(self, name: object) -> set[str]:
        if not self.units:
            key = loose_key(name)
            return {key} if key else set()
        return {k for k in _stems(unit_key(name)) if k}

    def lookup(self, value: object) -> list[str]:
        """Ids whose name has the same key as ``value`` (empty when none)."""
        return list(self._by_key.get(name_key(value), []))

    def match(self, value: object, among: set[str] | None = None) -> tuple[list[str], str]:
        """Ids matching ``value`` and the rule that matched them: ``same`` (equal keys), else
        ``spelling`` (equal loose keys), else ``fuzzy`` (the most similar loose keys, at least
        ``FUZZY_MIN``); ``([], "")`` when none. ``among`` restricts the candidates (a rayon)."""
        def keep(ids: list[str]) -> list[str]:
            return [i for i in ids if among is None or i in among]

        hits = keep(self._by_key.get(name_key(value), []))
        if hits:
            return hits, "same"
        looses = self._loose_keys(value)
        hits = []
        for loose in looses:
            hits += [i for i in keep(self._by_loose.get(loose, [])) if i not in hits]
        if hits:
            return hits, "spelling"
        # similar loose keys; for villages the stricter keys must agree too (STRICT_MIN), so
        # that the folded vowels do not add up (Ак-Турпок is not Ак-Терек)
        best, out = 0.0, []
        key = name_key(value)
        for loose in looses:
            if len(loose) < 4:
                continue
            for close, score, _ in process.extract(loose, self._loose, scorer=fuzz.ratio,
                                                   score_cutoff=FUZZY_MIN, limit=None):
                ids = keep(self._by_loose[close])
                if not self.units:
                    ids = [i for i in ids if any(fuzz.ratio(key, k) >= STRICT_MIN
                                                 for k in self._strict[i])]
                if not ids or score < best:
                    continue
                if score > best:
                    best, out = score, []
                out += [i for i in ids if i not in out]
        return out, "fuzzy" if out else ""

    def suggest(self, value: object, n: int = 3, cutoff: float = 0.6) -> list[str]:
        """Up to ``n`` ids with the most similar names (similarity of keys >= ``cutoff``)."""
        key = name_key(value)
        if not key:
            return []
        out: list[str] = []
        close = process.extract(key, self._keys, scorer=fuzz.ratio, limit=n,
                                score_cutoff=100 * cutoff)
        for found, _, _ in close:
            for id_ in self._by_key[found]:
                if id_ not in out:
                    out.append(id_)
        return out[:n]
