"""Search places by name in Russian, Kyrgyz or English, in any common spelling.

Names are folded with the core's ``aimak.names.name_key`` at import; a query is folded the same
way, so «Жаны-Жол», «Джаны-Джол» and «Jany-Jol» find the same place.
"""

from __future__ import annotations

from django.db.models import Q

from aimak.names import name_key

from .models import Municipality, Rayon, Settlement


def search_places(query: str, limit: int = 50) -> dict[str, list]:
    """Municipalities, rayons and settlements whose name matches ``query``."""
    key = name_key(query)
    text = (query or "").strip()
    if not key and not text:
        return {"municipalities": [], "rayons": [], "settlements": []}

    def match(model):
        cond = Q(search_keys__contains=key) if key else Q()
        if text:
            cond |= Q(name_ru__icontains=text) | Q(name_ky__icontains=text) | Q(
                name_en__icontains=text)
        return model.objects.filter(cond)

    return {
        "municipalities": list(match(Municipality).select_related("rayon__oblast")[:limit]),
        "rayons": list(match(Rayon).select_related("oblast")[:limit]),
        "settlements": list(match(Settlement).select_related("municipality")[:limit]),
    }
