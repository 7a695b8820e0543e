"""Blind judging: an application's texts, file names and facts without the applicant's identity.

The names to remove come from the places directory (the municipality, its settlements and its
rayon, in Russian, Kyrgyz and English, with and without words such as "айыл аймагы") and from the
application (head and contact person) and the municipality's staff accounts. Matching is on
``aimak.names.name_key``, so other spellings (Джаны-Джол / Жаңы-Жол / Jany-Jol) and inflected
forms (Жаны-Жольский) are caught too.
"""

from __future__ import annotations

import re
from functools import cached_property

from django.utils.translation import gettext as _

from aimak.names import name_key

#: Words that qualify a place name ("Jany-Jol ayil aimak", "Первый район") rather than make it.
GENERIC = {
    "айыл", "аймагы", "аймак", "аймагынын", "окмоту", "айылдык", "кенеш", "район", "районы",
    "району", "областы", "облусу", "область", "город", "шаары", "шаар", "село", "поселок",
    "ayil", "aiyl", "aimak", "aimagy", "okmotu", "rayon", "raion", "district", "town", "city",
    "village", "oblast", "municipality", "ао", "аа",
}
TOKEN = re.compile(r"\w+(?:[-‐’'ʼ]\w+)*")
#: an inflected form may add this many letters to a name (Жаны-Жол -> Жаны-Жольского)
MAX_ENDING = 6
MIN_PREFIX_KEY = 5


def _variants(name: str) -> set[str]:
    name = (name or "").strip()
    if not name:
        return set()
    out = {name}
    words = [w for w in name.split() if w.lower().strip(".,") not in GENERIC]
    if words and len(words) < len(name.split()):
        out.add(" ".join(words))
    return out


class Anonymiser:
    """Replaces every name of one applicant (municipality, villages, rayon, officials)."""

    def __init__(self, municipality, officials: list[str] = ()) -> None:
        self.names: dict[str, set[str]] = {"municipality": set(), "village": set(),
                                           "rayon": set(), "official": set()}
        m = municipality
        for n in (m.name_ru, m.name_ky, m.name_en, m.centre_name):
            self.names["municipality"] |= _variants(n)
        for s in m.settlements.all():
            for n in (s.name_ru, s.name_ky, s.name_en):
                self.names["village"] |= _variants(n)
        for n in (m.rayon.name_ru, m.rayon.name_ky, m.rayon.name_en):
            self.names["rayon"] |= _variants(n)
        for person in officials:
            person = (person or "").strip()
            if person:
                self.names["official"].add(person)
                self.names["official"] |= {w for w in person.split() if len(w) >= 3}

    @classmethod
    def for_application(cls, application) -> Anonymiser:
        from aimak_web.accounts.models import Role, User

        staff = User.objects.filter(municipality=application.municipality,
                                    role=Role.MUNICIPAL_STAFF).values_list("full_name", flat=True)
        officials = [application.head_name, application.contact_name,
                     *[s for s in staff if len(s) >= 4]]
        return cls(application.municipality, officials)

    def placeholder(self, kind: str) -> str:
        return {"municipality": _("[municipality]"), "village": _("[village]"),
                "rayon": _("[rayon]"), "official": _("[official]")}[kind]

    @cached_property
    def _keys(self) -> tuple[dict[str, str], int]:
        keys: dict[str, str] = {}
        longest = 1
        # officials first, places last: a place name wins when a key is shared
        for kind in ("official", "rayon", "village", "municipality"):
            for name in self.names[kind]:
                k = name_key(name)
                if k:
                    keys[k] = kind
                    longest = max(longest, len(TOKEN.findall(name)))
        return keys, longest

    def _match(self, fragment: str, single: bool) -> str | None:
        keys, _longest = self._keys
        k = name_key(fragment)
        if not k:
            return None
        if k in keys:
            return keys[k]
        if not single:
            return None
        for name_k, kind in keys.items():  # inflected forms of one word
            if (len(name_k) >= MIN_PREFIX_KEY and kind != "official" and k.startswith(name_k)
                    and len(k) - len(name_k) <= MAX_ENDING):
                return kind
        return None

    def text(self, text: str) -> str:
        """``text`` with every name replaced by a placeholder of its kind."""
        if not text:
            return text or ""
        _keys, longest = self._keys
        tokens = list(TOKEN.finditer(text))
        out, pos, i = [], 0, 0
        while i < len(tokens):
            for size in range(min(longest, len(tokens) - i), 0, -1):
                start, end = tokens[i].start(), tokens[i + size - 1].end()
                kind = self._match(text[start:end], size == 1)
                if kind:
                    out.append(text[pos:start])
                    out.append(self.placeholder(kind))
                    pos, i = end, i + size
                    break
            else:
                i += 1
        out.append(text[pos:])
        return "".join(out)

    def filename(self, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        if not dot:
            return self.text(name)
        return f"{self.text(stem.replace('_', ' '))}.{ext}"
