"""The one scoring engine of aimak's contests (budget hearings contest, best-practice prize).

Plain Python, no Django: criteria with weights, jurors' scores 0–5, recusals, means, ties,
ranks per category, prize bands, agreement between jurors.

Rules (issue 13):

* a juror counts for an entry only when they are not recused from it and scored every criterion
  of it; a partly scored entry is left out of that juror's contribution entirely;
* the score of a criterion is the mean over the counted jurors; the final score is the weighted
  mean of the criterion scores (weights >= 0 summing to anything > 0), so it stays on 0–5;
* entries nobody counted for get score ``None`` and no rank;
* ties are ordered by the earlier ``submitted_at`` (then by key, so that the order is total);
  a tie whose places carry different prizes is a *prize tie* (``prize_ties``): it is decided
  openly by the organisers (``decide_tie``: an order voted by the jury or set by the rules,
  or a shared prize), never silently by that order;
* ranks run 1..n overall, or per category when the prizes are given per category;
  the prize is the amount of the entry's place, ``None`` beyond the last paid place.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

MIN_SCORE = 0.0
MAX_SCORE = 5.0
#: Scores are compared after rounding to this many decimals, so that equal means computed in a
#: different order (floating point) count as a tie.
TIE_DECIMALS = 9


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: float


@dataclass(frozen=True)
class Entry:
    key: str
    submitted_at: datetime
    category: str = ""


@dataclass(frozen=True)
class Result:
    entry: str
    score: float | None
    by_criterion: dict[str, float]
    n_jurors: int
    rank: int | None
    prize: float | None
    category: str = ""


def _check_criteria(criteria: Sequence[Criterion]) -> float:
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise ValueError("criterion keys must be unique")
    if not criteria:
        raise ValueError("at least one criterion is needed")
    for c in criteria:
        if not (c.weight >= 0 and math.isfinite(c.weight)):
            raise ValueError(f"weight of {c.key!r} must be a finite number >= 0")
    total = math.fsum(c.weight for c in criteria)
    if not total > 0:
        raise ValueError("the weights must sum to more than 0")
    return total


def counted_jurors(criteria: Sequence[Criterion], entry: str,
                   scores: Mapping[tuple[str, str, str], float],
                   recused: Collection[tuple[str, str]] = ()) -> list[str]:
    """Jurors who count for ``entry``: not recused and scored every criterion of it (sorted)."""
    needed = {c.key for c in criteria}
    seen: dict[str, set[str]] = {}
    for (juror, e, crit) in scores:
        if e == entry and crit in needed:
            seen.setdefault(juror, set()).add(crit)
    recused_set = set(recused)
    return sorted(j for j, crits in seen.items()
                  if crits == needed and (j, entry) not in recused_set)


def score_entries(criteria: Sequence[Criterion], entries: Sequence[Entry],
                  scores: Mapping[tuple[str, str, str], float],
                  recused: Collection[tuple[str, str]] = (),
                  prizes: Sequence[float] | Mapping[str, Sequence[float]] = ()) -> list[Result]:
    """Score, rank and award ``entries``; see the module's rules.

    ``scores`` maps (juror, entry, criterion) to 0..5; scores of unknown entries or criteria are
    ignored. Results come scored entries first (best first; by category first when prizes are
    per category), then the unscored ones in the given order.
    """
    total_weight = _check_criteria(criteria)
    keys = [e.key for e in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("entry keys must be unique")
    for value in scores.values():
        if not (MIN_SCORE <= value <= MAX_SCORE):
            raise ValueError(f"score {value!r} outside {MIN_SCORE:g}..{MAX_SCORE:g}")
    recused_set = set(recused)
    per_category = isinstance(prizes, Mapping)

    # gather once: entry -> juror -> criterion -> value
    wanted = {c.key for c in criteria}
    known = set(keys)
    grid: dict[str, dict[str, dict[str, float]]] = {}
    for (juror, entry, crit), value in scores.items():
        if entry in known and crit in wanted and (juror, entry) not in recused_set:
            grid.setdefault(entry, {}).setdefault(juror, {})[crit] = float(value)

    raw: dict[str, tuple[float | None, dict[str, float], int]] = {}
    for e in entries:
        jurors = [j for j, crits in grid.get(e.key, {}).items() if len(crits) == len(wanted)]
        if not jurors:
            raw[e.key] = (None, {}, 0)
            continue
        by_crit = {c.key: math.fsum(grid[e.key][j][c.key] for j in jurors) / len(jurors)
                   for c in criteria}
        score = math.fsum(c.weight * by_crit[c.key] for c in criteria) / total_weight
        score = min(MAX_SCORE, max(MIN_SCORE, score))  # rounding must not leave 0..5
        raw[e.key] = (score, by_crit, len(jurors))

    scored = [e for e in entries if raw[e.key][0] is not None]
    scored.sort(key=lambda e: (e.category if per_category else "",
                               -round(raw[e.key][0], TIE_DECIMALS), e.submitted_at, e.key))
    out: list[Result] = []
    place: dict[str, int] = {}
    for e in scored:
        group = e.category if per_category else ""
        place[group] = place.get(group, 0) + 1
        rank = place[group]
        bands = prizes.get(e.category, ()) if per_category else prizes
        prize = float(bands[rank - 1]) if rank <= len(bands) else None
        score, by_crit, n = raw[e.key]
        out.append(Result(e.key, score, by_crit, n, rank, prize, e.category))
    for e in entries:
        if raw[e.key][0] is None:
            out.append(Result(e.key, None, {}, 0, None, None, e.category))
    return out


@dataclass(frozen=True)
class Tie:
    """Entries with the same score in one category whose places carry different prizes."""

    category: str
    score: float
    entries: tuple[str, ...]
    places: tuple[int, ...]
    prizes: tuple[float | None, ...]


def prize_ties(results: Sequence[Result]) -> list[Tie]:
    """The ties of ``results`` (``score_entries``'s output) that decide money: equal scores (to
    ``TIE_DECIMALS``) in one category on places whose prizes differ."""
    groups: dict[tuple[str, float], list[Result]] = {}
    for r in results:
        if r.score is not None and r.rank is not None:
            groups.setdefault((r.category, round(r.score, TIE_DECIMALS)), []).append(r)
    out = []
    for (category, score), rows in groups.items():
        prizes = tuple(r.prize for r in rows)
        if len(rows) >= 2 and len(set(prizes)) > 1:
            out.append(Tie(category, score, tuple(r.entry for r in rows),
                           tuple(r.rank for r in rows), prizes))
    return out


def decide_tie(results: Sequence[Result], tie: Tie, order: Sequence[str] = (),
               shared: bool = False) -> list[Result]:
    """``results`` with ``tie`` decided: its entries take its places in ``order`` (a jury vote or
    a rule of the regulations), or, when ``shared``, all take the first of its places and share
    the sum of its prizes equally."""
    if shared:
        total = math.fsum(p or 0.0 for p in tie.prizes)
        each = total / len(tie.entries) if total else None
        new = {e: (min(tie.places), each) for e in tie.entries}
    else:
        if sorted(order) != sorted(tie.entries):
            raise ValueError("the decided order must name exactly the tied entries")
        new = {e: (place, prize) for e, place, prize
               in zip(order, sorted(tie.places), tie.prizes, strict=True)}
    out = [Result(r.entry, r.score, r.by_criterion, r.n_jurors, *new[r.entry], r.category)
           if r.entry in new else r for r in results]
    position = {e: i for i, e in enumerate(order)} if order else {}
    first = min(i for i, r in enumerate(out) if r.entry in new)
    block = sorted((r for r in out if r.entry in new),
                   key=lambda r: (r.rank, position.get(r.entry, 0)))
    rest = [r for r in out if r.entry not in new]
    return rest[:first] + block + rest[first:]


def combine(jury: Mapping[str, float | None], votes: Mapping[str, int],
            jury_weight: float) -> dict[str, float]:
    """Jury score (scaled by /5) and public votes (scaled by /max) mixed as w*jury + (1-w)*votes.

    Every key of either mapping gets a value in 0..1; a missing or ``None`` jury score and missing
    votes count as 0.
    """
    if not 0 <= jury_weight <= 1:
        raise ValueError("jury_weight must be within 0..1")
    if any(v < 0 for v in votes.values()):
        raise ValueError("votes cannot be negative")
    top = max(votes.values(), default=0)
    out = {}
    for key in sorted(set(jury) | set(votes)):
        j = jury.get(key)
        j_part = 0.0 if j is None else float(j) / MAX_SCORE
        v_part = votes.get(key, 0) / top if top > 0 else 0.0
        out[key] = jury_weight * j_part + (1 - jury_weight) * v_part
    return out


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n (ascending), ties get the mean of their places."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _common_entries(scores: Mapping[str, Mapping[str, float]]) -> list[str]:
    sets = [set(v) for v in scores.values()]
    return sorted(set.intersection(*sets)) if sets else []


def complete_block(scores: Mapping[str, Mapping[str, float]]) -> tuple[list[str], list[str]]:
    """(jurors, entries) such that every one of the jurors scored every one of the entries: all
    jurors when they share at least 2 entries; else jurors who scored fewest are left out, one at
    a time (recusals and unfinished sheets), until they do or fewer than 2 remain."""
    jurors = sorted(j for j, v in scores.items() if v)
    while len(jurors) >= 2:
        common = _common_entries({j: scores[j] for j in jurors})
        if len(common) >= 2:
            return jurors, common
        jurors.remove(min(jurors, key=lambda j: (len(scores[j]), j)))
    return [], []


def kendalls_w(scores: Mapping[str, Mapping[str, float]]) -> float | None:
    """Kendall's coefficient of concordance (0 = no agreement, 1 = same ranking) with tie
    correction, over the ``complete_block`` of jurors and entries; ``None`` when there is none
    or when every juror tied every entry (nothing to rank)."""
    jurors, common = complete_block(scores)
    n, m = len(common), len(jurors)
    if n < 2:
        return None
    sums = [0.0] * n
    ties = 0.0
    for j in jurors:
        values = [float(scores[j][e]) for e in common]
        for i, r in enumerate(_ranks(values)):
            sums[i] += r
        counts: dict[float, int] = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        ties += sum(t ** 3 - t for t in counts.values())
    mean = m * (n + 1) / 2
    s = math.fsum((r - mean) ** 2 for r in sums)
    denominator = m * m * (n ** 3 - n) - m * ties
    if denominator <= 0:
        return None
    return min(1.0, max(0.0, 12 * s / denominator))


def _spearman(a: Sequence[float], b: Sequence[float]) -> float | None:
    ra, rb = _ranks(a), _ranks(b)
    n = len(ra)
    ma, mb = math.fsum(ra) / n, math.fsum(rb) / n
    cov = math.fsum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = math.fsum((x - ma) ** 2 for x in ra)
    vb = math.fsum((y - mb) ** 2 for y in rb)
    if va == 0 or vb == 0:
        return None
    return cov / math.sqrt(va * vb)


def juror_agreement(scores: Mapping[str, Mapping[str, float]]) -> dict[str, float | None]:
    """Per juror: Spearman correlation of their totals with the mean of the other jurors'
    totals, over the entries they and at least one other juror scored (at least 3 such entries;
    else ``None``). 1 = ranks like the others, 0 = unrelated, -1 = the reverse."""
    out: dict[str, float | None] = {}
    for juror, own in scores.items():
        mine, theirs = [], []
        for entry in sorted(own):
            others = [scores[o][entry] for o in scores if o != juror and entry in scores[o]]
            if others:
                mine.append(float(own[entry]))
                theirs.append(math.fsum(others) / len(others))
        out[juror] = _spearman(mine, theirs) if len(mine) >= 3 else None
    return out


def outlying_jurors(scores: Mapping[str, Mapping[str, float]],
                    threshold: float = 0.0) -> list[str]:
    """Jurors whose ranking departs strongly from the others': agreement (``juror_agreement``)
    at or below ``threshold`` (default 0: unrelated or reversed). Sorted by key."""
    return sorted(j for j, rho in juror_agreement(scores).items()
                  if rho is not None and rho <= threshold)
