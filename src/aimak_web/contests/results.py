"""An edition's results and fairness figures, from the database through the scoring engine."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from aimak_web.places.models import Municipality

from . import scoring
from .models import Application, Edition, JuryMember, Score, TieDecision


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
    #: how a tie on this row's place was decided (``TieDecision.Rule``) and why, or ""
    tie_rule: str = ""
    tie_reason_ru: str = ""
    tie_reason_ky: str = ""
    #: a tie on a prize boundary that waits for the organisers' decision
    tie_pending: bool = False
    #: the municipality's English name (results approved before it was kept have none)
    municipality_en: str = ""

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


def _scored(edition: Edition):
    """(apps, engine results before any tie decision); ``None`` without criteria."""
    criteria, apps, jurors, scores = _inputs(edition)
    if not criteria:
        return apps, None
    crit = [scoring.Criterion(c.key, c.weight) for c in criteria]
    entries = [scoring.Entry(a.code, a.submitted_at, a.category) for a in apps]
    codes = {a.pk: a.code for a in apps}
    values = {(f"j{j}", codes[a], f"c{c}"): float(v) for j, a, c, v in scores}
    return apps, scoring.score_entries(crit, entries, values, recusals(jurors, apps),
                                       _prizes(edition))


def _prizes(edition: Edition):
    bands = edition.prize_bands or {}
    return bands.get("", []) if set(bands) <= {""} else bands


def _decided(edition: Edition, results) -> tuple[list, dict[str, TieDecision], list]:
    """Results with the recorded tie decisions applied, the decision of each decided code, and
    the prize ties still waiting for one."""
    decisions = {tuple(d.codes): d for d in TieDecision.objects.filter(edition=edition)}
    by_code: dict[str, TieDecision] = {}
    pending = []
    for tie in scoring.prize_ties(results):
        decision = decisions.get(tuple(sorted(tie.entries)))
        if decision is None:
            pending.append(tie)
            continue
        shared = decision.rule == TieDecision.Rule.SHARED
        results = scoring.decide_tie(results, tie, decision.order, shared=shared)
        by_code.update(dict.fromkeys(tie.entries, decision))
    return results, by_code, pending


def pending_ties(edition: Edition) -> list[scoring.Tie]:
    """Ties on a prize boundary without a recorded decision (approval waits for them)."""
    return compute_with_ties(edition)[1]


def compute(edition: Edition) -> list[Row]:
    return compute_with_ties(edition)[0]


def compute_with_ties(edition: Edition) -> tuple[list[Row], list[scoring.Tie]]:
    """The ranked rows (recorded tie decisions applied) and the prize ties still undecided."""
    apps, results = _scored(edition)
    if results is None:
        return [], []
    results, decided, pending = _decided(edition, results)
    waiting = {e for t in pending for e in t.entries}
    by_code = {a.code: a for a in apps}
    rows = []
    for r in results:
        a = by_code[r.entry]
        d = decided.get(r.entry)
        rows.append(Row(a.code, a.pk, a.municipality.code, a.municipality.name_ru,
                        a.municipality.name_ky or a.municipality.name_ru, a.category, r.score,
                        r.by_criterion, r.n_jurors, r.rank, r.prize,
                        a.submitted_at.isoformat(), d.rule if d else "",
                        d.reason_ru if d else "", d.reason_ky if d else "",
                        r.entry in waiting, a.municipality.name_en))
    return rows, pending


def published_rows(edition: Edition) -> list[dict]:
    """The approved results as published (none before publication), each with the
    municipality's English name: rows approved before it was kept take it from the places
    directory, so the API and the English pages name them as the rest of the platform does."""
    if edition.state != Edition.State.PUBLISHED:
        return []
    rows = [dict(r) for r in edition.approved_results or []]
    missing = {r.get("municipality_code") for r in rows if not r.get("municipality_en")}
    if missing:
        english = dict(Municipality.objects.filter(code__in=missing)
                       .values_list("code", "name_en"))
        for r in rows:
            r["municipality_en"] = (r.get("municipality_en")
                                    or english.get(r.get("municipality_code")) or "")
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
