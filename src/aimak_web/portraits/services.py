"""A rayon's portrait, composed from what the platform knows of its LSG bodies; every number
carries its source (official, observed, estimated, projected, stated) as the apps keep it.

This app sits on top of the others and reads their models and public services; none of them
imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from aimak_web.places.models import Municipality, Rayon


@dataclass
class Portrait:
    rayon: Rayon
    municipalities: list[Municipality]
    population: float | None
    population_sources: list[str]
    hearings: list[dict[str, Any]] = field(default_factory=list)
    women_share: float | None = None
    attendance: int | None = None
    contest_rows: list[dict[str, Any]] = field(default_factory=list)
    practices: list[Any] = field(default_factory=list)
    forecast: dict[str, Any] | None = None
    scenarios: list[dict[str, Any]] = field(default_factory=list)


def _hearings(munis: list[Municipality]) -> tuple[list[dict], float | None, int | None]:
    """Hearings past their meeting in the rayon's municipalities, with the attendance the
    minutes record (observed); the women's share over those that recorded it."""
    from aimak_web.hearings.models import Hearing, State

    held = (State.MEETING_HELD, State.ANSWERS_PUBLISHED, State.CLOSED)
    rows, women, total = [], 0, 0
    for h in (Hearing.objects.filter(municipality__in=munis, state__in=held,
                                     is_example=False)
              .select_related("municipality").order_by("-year", "-meeting_at", "-pk")):
        n = h.attendance_total
        rows.append({"hearing": h, "attendance": n,
                     "women_share": (h.attendance_women or 0) / n if n else None})
        if n:
            women += h.attendance_women or 0
            total += n
    return rows, (women / total if total else None), (total or None)


def _contest_rows(munis: list[Municipality]) -> list[dict]:
    """Published results of the participation contest for the rayon's municipalities (never
    pending applications: the jury judges them blind)."""
    from aimak_web.contests.models import Edition

    codes = {m.code: m for m in munis}
    rows = []
    for ed in Edition.objects.filter(state=Edition.State.PUBLISHED).order_by("-year"):
        for r in ed.approved_results or []:
            if r.get("municipality_code") in codes:
                rows.append({"edition": ed, "municipality": codes[r["municipality_code"]],
                             "rank": r.get("rank"), "score": r.get("score"),
                             "prize": r.get("prize"), "category": r.get("category")})
    return rows


def _practices(munis: list[Municipality]) -> list:
    from aimak_web.practices.models import Practice, Status

    return list(Practice.objects.filter(status=Status.PUBLISHED, municipalities__in=munis)
                .distinct().select_related("theme").order_by("-published_at", "-pk")[:20])


def _forecast(rayon: Rayon) -> dict[str, Any] | None:
    """The rayon's poverty figures in brief, through the forecasts' public function (None
    when the shared data has no series for it)."""
    from aimak_web.forecasts.service import rayon_outlook

    return rayon_outlook(rayon.code)


def _scenarios(munis: list[Municipality]) -> list[dict]:
    """Proposed and official merger scenarios in which a unit joins one of the rayon's
    municipalities with another municipality."""
    from aimak_web.territory.models import Scenario

    codes = {m.code for m in munis}
    out = []
    for s in (Scenario.objects.filter(Q(status="official") | Q(status="proposed"))
              .select_related("analysis").order_by("-created", "-pk")):
        version = s.versions.order_by("-number").first()
        if version is None:
            continue
        units: dict[str, list[str]] = {}
        for row in version.mapping:
            units.setdefault(str(row.get("new_unit")), []).append(row.get("old_code"))
        touching = [u for u in units.values() if len(u) > 1 and codes & set(u)]
        if touching:
            out.append({"scenario": s, "units": len(touching),
                        "municipalities": len(codes & {c for u in touching for c in u})})
    return out


def _population_sources(munis: list[Municipality]) -> None:
    """Each municipality's population sources in the reader's language (``m.sources``): the
    places' sentences naming the statistics behind its villages' figures, most common first
    (the municipality's own reference is the builder's English, kept for the data and API)."""
    from aimak_web.places.provenance import summarise

    for m in munis:
        m.sources = summarise(m.settlements.all()).sources


def portrait(rayon: Rayon) -> Portrait:
    munis = list(rayon.municipalities.prefetch_related("settlements").order_by("name_ru"))
    _population_sources(munis)
    pops = [m.population for m in munis if m.population is not None]
    sources = sorted({m.population_source for m in munis if m.population is not None})
    hearings, women, attendance = _hearings(munis)
    return Portrait(
        rayon=rayon, municipalities=munis,
        population=sum(pops) if pops and len(pops) == len(munis) else None,
        population_sources=sources, hearings=hearings, women_share=women,
        attendance=attendance, contest_rows=_contest_rows(munis), practices=_practices(munis),
        forecast=_forecast(rayon), scenarios=_scenarios(munis))


def population_provenance(sources: list[str]) -> str:
    """One badge for a sum: its single source, or "mixed"."""
    return sources[0] if len(sources) == 1 else "mixed"


def portrait_pdf(html: str) -> bytes:
    from pathlib import Path

    from aimak_web.practices.pdf import render_pdf

    return render_pdf(html, [Path(__file__).parent / "static" / "portraits" / "print.css"])
