"""Search places by name in Russian, Kyrgyz or English, in any common spelling.

Names are folded with the core's ``aimak.names.name_key`` at import; a query is folded the same
way, so «Жаны-Жол», «Джаны-Джол» and «Jany-Jol» find the same place.
"""

from __future__ import annotations

import re

from django.db.models import Q

from aimak.names import KIND_WORDS, name_key

from .models import Municipality, Rayon, Settlement


def _name_words(query: str) -> list[str]:
    """The keys of the query's words that are not words for a kind of place."""
    words = [w for w in re.split(r"[\s,]+", (query or "").lower()) if w]
    return [k for k in (name_key(w) for w in words if w not in KIND_WORDS) if k]


def search_places(query: str, limit: int = 50) -> dict[str, list]:
    """Municipalities, rayons and settlements whose name matches ``query``, the name alone or
    with a word for its kind that the directory's name may lack."""
    key = name_key(query)
    text = (query or "").strip()
    words = _name_words(query)
    if not key and not text:
        return {"municipalities": [], "rayons": [], "settlements": []}

    def match(model):
        cond = Q(search_keys__contains=key) if key else Q()
        if text:
            cond |= Q(name_ru__icontains=text) | Q(name_ky__icontains=text) | Q(
                name_en__icontains=text)
        if words and len(words) < len(text.split()):  # a kind word was typed: the name's words
            every = Q()
            for word in words:
                every &= (Q(search_keys__contains=word) | Q(name_ru__icontains=word)
                          | Q(name_ky__icontains=word) | Q(name_en__icontains=word))
            cond |= every
        return model.objects.filter(cond)

    return {
        "municipalities": list(match(Municipality).select_related("rayon__oblast")[:limit]),
        "rayons": list(match(Rayon).select_related("oblast")[:limit]),
        "settlements": list(match(Settlement).select_related("municipality")[:limit]),
    }
