"""The explorer's map colours: no two neighbouring units share a colour, on the real Jalal-Abad
municipalities (today's map, 76 units) and on plans merging them (before: a hash of the unit's
name chose one of 15 colours, and neighbours often matched)."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import shape

from aimak_web.territory.display import PALETTE, unit_display


def _neighbours(mapping) -> set[tuple[str, str]]:
    """Pairs of units whose municipalities touch, by brute force over all pairs (the oracle)."""
    from aimak_web.places.models import Municipality

    geoms = {m.code: shapely.make_valid(shape(json.loads(m.territory)))
             for m in Municipality.objects.all() if m.territory}
    unit_of = {r["old_code"]: r["new_unit"] for r in mapping}
    codes = sorted(c for c in geoms if c in unit_of)
    out = set()
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            if unit_of[a] != unit_of[b] and geoms[a].intersects(geoms[b]):
                out.add(tuple(sorted((unit_of[a], unit_of[b]))))
    return out


def _merged(mapping, pairs) -> list[dict]:
    """A plan that merges each municipality with a touching neighbour (greedy, in code order)."""
    unit = {r["old_code"]: r["new_unit"] for r in mapping}
    taken = set()
    for a, b in sorted(pairs):
        if a not in taken and b not in taken:
            unit[b] = unit[a]
            taken |= {a, b}
    return [{"old_code": c, "new_unit": u} for c, u in unit.items()]


@pytest.mark.django_db
def test_neighbouring_units_never_share_a_colour(territory_inputs):
    from aimak_web.places.importer import import_dataset
    from aimak_web.places.models import Municipality

    dataset, _times = territory_inputs
    import_dataset(dataset)
    today = [{"old_code": c, "new_unit": c}
             for c in Municipality.objects.values_list("code", flat=True)]
    twos = _merged(today, _neighbours(today))
    for mapping in (today, twos, _merged(twos, _neighbours(twos))):
        shown = unit_display(mapping)
        units = {r["new_unit"] for r in mapping}
        assert set(shown) == units
        pairs = _neighbours(mapping)
        assert pairs, "the map has neighbours"
        clashes = [(a, b) for a, b in pairs if shown[a]["colour"] == shown[b]["colour"]]
        assert clashes == []
        assert {d["colour"] for d in shown.values()} <= set(PALETTE)
        # every unit has a label point
        assert all(d["lat"] and d["lon"] for d in shown.values())


@pytest.mark.django_db
def test_violations_name_units_not_codes(territory_inputs, users):
    """Violations named units by 14-digit codes (issue 29); now by the directory's name."""
    import re

    from django.utils import translation

    from aimak_web.places.importer import import_dataset
    from aimak_web.territory.evaluation import evaluation_json, session_for

    from .conftest import make_analysis

    dataset, times = territory_inputs
    import_dataset(dataset)
    s = make_analysis(dataset, times, author=users["admin"])["official"]
    with translation.override("ky"):
        data = evaluation_json(session_for(s), s.current.mapping)
    unit_violations = [v for v in data["violations"] if v.get("unit")]
    assert unit_violations, "today's map breaks the moderate criteria somewhere"
    for v in unit_violations:
        assert not re.search(r"\d{14}", v["message"]), v["message"]
        assert "«" in v["message"]
