"""Explanations: for each merger, the flows and travel times behind it; for each municipality
left alone, why (it already meets the criteria and every merger would make the objective worse,
or no neighbour can join it without breaking a criterion)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aimak.plans.instance import Instance, Plan


def explain(inst: Instance, plan: Plan) -> pd.DataFrame:
    """One row per new unit: ``new_unit, kind ('merger' or 'alone'), explanation``."""
    ids = plan.ids(inst)
    rows = []
    F = (inst.flows + inst.flows.T).tocsr()
    out_flow = np.asarray(inst.flows.sum(axis=1)).ravel()
    for k in range(plan.n_units):
        members = np.flatnonzero(plan.labels == k)
        centre = plan.centres[k]
        if len(members) > 1:
            rows.append({"new_unit": ids[k], "kind": "merger",
                         "explanation": _merger(inst, members, centre, F, out_flow)})
        else:
            rows.append({"new_unit": ids[k], "kind": "alone",
                         "explanation": _alone(inst, plan, members[0], F)})
    return pd.DataFrame(rows)


def _merger(inst: Instance, members: np.ndarray, centre: int, F, out_flow) -> str:
    names = [str(inst.unit_names[u]) for u in members]
    internal = float(F[members][:, members].sum()) / 2
    total = float(out_flow[members].sum())
    share = internal / total if total > 0 else np.nan
    parts = [f"{len(members)} municipalities ({', '.join(names)}) join around "
             f"{inst.settlement_names[centre]}."]
    cu = inst.settlement_unit[centre]
    lines = []
    for u in members:
        if u == cu:
            continue
        t = inst.minutes[inst.official_centre[u], centre]
        f_to = float(inst.flows[u, members].sum())
        lines.append(f"{inst.unit_names[u]}: {t:.0f} min from its current centre to the new "
                     f"one, {f_to:,.0f} of its flows go to the other members")
    parts.append("; ".join(lines) + ".")
    if total > 0:
        parts.append(f"Together they keep {share:.0%} of their inter-settlement flows inside "
                     "the new unit.")
    pop = inst.population[members].sum()
    parts.append(f"Population {pop:,.0f}.")
    return " ".join(parts)


def _alone(inst: Instance, plan: Plan, u: int, F) -> str:
    c = inst.criteria
    name = inst.unit_names[u]
    reasons = []
    pop = inst.population[u]
    if c.min_population is not None:
        reasons.append(f"it has {pop:,.0f} inhabitants, meeting the minimum of "
                       f"{c.min_population:,.0f} on its own")
    own = inst.candidate_index(int(plan.centres[plan.labels[u]]))
    base = inst.region_cost(np.array([u]), own) if own >= 0 else None
    verdicts = []
    for k in dict.fromkeys(plan.labels[inst.adjacency[u].indices].tolist()):
        other = np.flatnonzero(plan.labels == k)
        label = f"the unit centred on {inst.settlement_names[plan.centres[k]]}"
        flow = float(F[u][:, other].sum())
        merged = np.r_[other, u]
        why = _blocker(inst, merged)
        if why:
            verdicts.append(f"joining {label} would break {why}")
            continue
        s = inst.choose_centre(merged)
        j = inst.candidate_index(s)
        kc = inst.candidate_index(int(plan.centres[k]))
        if j < 0 or kc < 0 or base is None:
            continue
        delta = inst.region_cost(merged, j) - inst.region_cost(other, kc) - base
        verdicts.append(f"joining {label} would change the objective by {delta:+.4f} "
                        f"(flows between them: {flow:,.0f})")
    text = f"{name} stays alone"
    if reasons:
        text += ": " + "; ".join(reasons)
    if verdicts:
        text += ". " + "; ".join(dict.fromkeys(verdicts)) + "."
    elif not inst.adjacency[u].nnz:
        text += ". It has no neighbouring municipality."
    return text


def _blocker(inst: Instance, merged: np.ndarray) -> str | None:
    """The criterion a merged unit would break whatever its centre, or None."""
    c = inst.criteria
    pop = inst.population[merged].sum()
    if c.max_population is not None and pop > c.max_population:
        return f"the maximum population ({pop:,.0f} > {c.max_population:,.0f})"
    for a, b in inst.must_not_merge:
        if a in merged and b in merged:
            return f"the must-not-merge pair {inst.units[a]}-{inst.units[b]}"
    cands = np.flatnonzero(np.isin(inst.cand_unit, merged))
    if not len(cands) or not inst.allowed[np.ix_(merged, cands)].all(axis=0).any():
        limits = [f"{c.max_minutes:g} min" if c.max_minutes is not None else "",
                  f"{c.max_km:g} km" if c.max_km is not None else "",
                  f"one {c.stay_within}" if c.stay_within != "none" else ""]
        shown = ", ".join(x for x in limits if x) or "the criteria"
        return f"the travel limit or the border rule (no centre serves all of it within {shown})"
    return None
