"""An edition's results and fairness figures, from the database through the scoring engine."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from . import scoring
from .models import Application, Edition, JuryMember, Score


@dataclass
class Row:
    code: str
    application_id: int
    municipality_code: str
    municipality_ru: str
    municipality_ky: str
    category: str
    score: float | None
    by_criterion: dict[str, float]
    n_jurors: int
    rank: int | None
    prize: float | None
    submitted_at: str

    def as_json(self) -> dict:
        return asdict(self)


def _inputs(edition: Edition):
    criteria = list(edition.criteria.all())
    apps = list(Application.objects.filter(edition=edition, state=Application.State.SUBMITTED)
                .select_related("municipality").order_by("submitted_at", "pk"))
    jurors = list(JuryMember.objects.filter(edition=edition).select_related("user")
                  .prefetch_related("conflict_rayons", "conflict_municipalities",
                                    "conflict_applications"))
    scores = list(Score.objects.filter(juror__edition=edition, application__in=apps)
                  .values_list("juror_id", "application_id", "criterion_id", "value"))
    return criteria, apps, jurors, scores


def recusals(jurors: list[JuryMember], apps: list[Application]) -> set[tuple[str, str]]:
    """(juror key, application code) of every conflict, from prefetched declarations."""
    out = set()
    for j in jurors:
        rayons = {r.pk for r in j.conflict_rayons.all()}
        munis = {m.pk for m in j.conflict_municipalities.all()}
        if j.user.municipality_id:
            munis.add(j.user.municipality_id)
        named = {a.pk for a in j.conflict_applications.all()}
        for a in apps:
            if a.pk in named or a.municipality_id in munis or a.municipality.rayon_id in rayons:
                out.add((j.key, a.code))
    return out


def compute(edition: Edition) -> list[Row]:
    criteria, apps, jurors, scores = _inputs(edition)
    if not criteria:
        return []
    crit = [scoring.Criterion(c.key, c.weight) for c in criteria]
    entries = [scoring.Entry(a.code, a.submitted_at, a.category) for a in apps]
    codes = {a.pk: a.code for a in apps}
    values = {(f"j{j}", codes[a], f"c{c}"): float(v) for j, a, c, v in scores}
    bands = edition.prize_bands or {}
    prizes = bands.get("", []) if set(bands) <= {""} else bands
    results = scoring.score_entries(crit, entries, values, recusals(jurors, apps), prizes)
    by_code = {a.code: a for a in apps}
    rows = []
    for r in results:
        a = by_code[r.entry]
        rows.append(Row(a.code, a.pk, a.municipality.code, a.municipality.name_ru,
                        a.municipality.name_ky or a.municipality.name_ru, a.category, r.score,
                        r.by_criterion, r.n_jurors, r.rank, r.prize,
                        a.submitted_at.isoformat()))
    return rows


def juror_totals(edition: Edition) -> dict[str, dict[str, float]]:
    """juror name -> application code -> weighted score (complete score sheets only)."""
    criteria, apps, jurors, scores = _inputs(edition)
    if not criteria:
        return {}
    weights = {c.pk: c.weight for c in criteria}
    total_w = sum(weights.values()) or 1.0
    codes = {a.pk: a.code for a in apps}
    names = {j.pk: str(j.user) for j in jurors}
    sheets: dict[tuple[int, int], dict[int, int]] = {}
    for j, a, c, v in scores:
        sheets.setdefault((j, a), {})[c] = v
    out: dict[str, dict[str, float]] = {}
    for (j, a), sheet in sheets.items():
        if set(sheet) == set(weights):
            out.setdefault(names[j], {})[codes[a]] = (
                sum(weights[c] * v for c, v in sheet.items()) / total_w)
    return out


def fairness(edition: Edition) -> dict:
    totals = juror_totals(edition)
    jurors, entries = scoring.complete_block(totals)
    return {"kendalls_w": scoring.kendalls_w(totals), "w_jurors": len(jurors),
            "w_entries": len(entries),
            "agreement": scoring.juror_agreement(totals),
            "outlying": scoring.outlying_jurors(totals)}


def progress(edition: Edition) -> list[dict]:
    """Per juror: how many applications they fully scored, of those they may score (no scores
    shown)."""
    criteria, apps, jurors, scores = _inputs(edition)
    n_crit = len(criteria)
    recused = recusals(jurors, apps)
    counts: dict[tuple[int, int], int] = {}
    for j, a, _c, _v in scores:
        counts[(j, a)] = counts.get((j, a), 0) + 1
    out = []
    for j in jurors:
        mine = [a for a in apps if (j.key, a.code) not in recused]
        done = sum(1 for a in mine if counts.get((j.pk, a.pk), 0) == n_crit and n_crit)
        cells = []
        for a in apps:
            n = counts.get((j.pk, a.pk), 0)
            cells.append("recused" if (j.key, a.code) in recused else
                         "done" if n_crit and n == n_crit else "partial" if n else "todo")
        out.append({"juror": j, "done": done, "total": len(mine),
                    "recused": len(apps) - len(mine), "cells": cells,
                    "declared": j.conflicts_declared_at is not None})
    return out


def submitted_codes(edition: Edition) -> list[str]:
    return list(Application.objects.filter(edition=edition, state=Application.State.SUBMITTED)
                .order_by("submitted_at", "pk").values_list("code", flat=True))
