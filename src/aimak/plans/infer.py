"""Which criteria is a given plan consistent with, and under which objective weights is it best.

Two questions asked of a plan made without published criteria (Kyrgyzstan's 2024 reform):

* **Ranges.** ``criteria_ranges`` gives, for each setting of the criteria space of
  ``aimak.plans.criteria`` (minimum and maximum population, maximum minutes and kilometres to the
  centre, staying within the rayon or oblast, contiguity, centre services and candidates, the
  number of municipalities merged into one unit, the number of units), the values under which
  the plan is feasible and the unit that binds, e.g. "minimum population at most 9,870: unit X
  has 9,870". Everything is recomputed from settlement-level data.
* **Weights.** ``InverseWeights`` finds, by inverse optimisation against the exact solver, the
  objective weights under which the plan is optimal, or closest to optimal, within the tightest
  criteria it meets (``consistent_criteria``). Travel keeps weight 1 (every aimak objective
  weighs it; this also rules out the trivial weights under which every plan ties); the other
  terms get weights in ``[0, bound]`` (units: ``[-bound, bound]``). Cutting planes: solve the
  exact model under the current weights, add the optimum found as a constraint of a linear
  programme (SciPy HiGHS) that minimises the plan's largest objective excess over the plans
  found so far, repeat until the excess is proven (Wang 2009, "Cutting plane algorithms for the
  inverse mixed integer linear programming problem"). ``gap_`` is that excess under the final
  weights (0: optimal), ``nearest_`` the optimum under them and ``distance_`` the number of
  municipalities that would change unit between the two (``plan_distance``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse.csgraph import connected_components

from aimak.errors import AimakError
from aimak.plans.criteria import Criteria, Weights
from aimak.plans.instance import Instance, Plan, objective_terms

#: Objective terms (``Weights`` field -> ``objective_terms`` key).
TERMS = {"travel": "travel_hours", "coherence": "outside_flow_share", "balance": "imbalance",
         "units": "unit_share"}
#: Border levels from the tightest to the loosest.
LEVELS = ("rayon", "oblast")


def regions_of(ds, inst: Instance) -> dict[str, np.ndarray]:
    """Each municipality's rayon and oblast (aligned with ``inst.units``), from the dataset."""
    mun = ds.municipalities.set_index(ds.municipalities["code"].astype(str))
    return {lv: mun.loc[inst.units, lv].astype(str).to_numpy(object) for lv in LEVELS
            if lv in mun.columns}


def plan_distance(a: np.ndarray, b: np.ndarray) -> int:
    """Fewest municipalities that must change unit to turn plan ``a`` into plan ``b`` (units
    matched one to one so as to keep the most municipalities in place)."""
    a, b = np.asarray(a), np.asarray(b)
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    table = sp.coo_matrix((np.ones(len(a)), (ia, ib))).toarray()
    r, c = linear_sum_assignment(table, maximize=True)
    return int(len(a) - table[r, c].sum())


def unit_facts(inst: Instance, plan: Plan, regions: dict[str, np.ndarray] | None = None
               ) -> pd.DataFrame:
    """Per new unit, the quantities the criteria limit (from settlement-level data)."""
    p = plan.n_units
    labels = plan.labels
    su = inst.settlement_unit
    s_label = labels[su]
    s_centre = plan.centres[s_label]
    out = pd.DataFrame({"new_unit": plan.ids(inst)})
    out["population"] = np.bincount(labels, weights=inst.population, minlength=p)
    out["municipalities"] = np.bincount(labels, minlength=p)
    for key, M in (("minutes", inst.minutes), ("km", inst.km)):
        if M is None:
            continue
        t = M[np.arange(len(su)), s_centre].astype(float)
        t = np.where(np.isnan(t), np.inf, t)
        worst = np.full(p, -np.inf)
        np.maximum.at(worst, s_label, t)
        out[f"max_{key}"] = worst
        # with keep_current_access only settlements farther than from today's centre count
        now = M[np.arange(len(su)), inst.official_centre[su]].astype(float)
        worse = np.full(p, 0.0)
        np.maximum.at(worse, s_label, np.where(t > now + 1e-4, t, 0.0))
        out[f"max_{key}_worse"] = worse
    A = sp.coo_matrix(inst.adjacency)
    same = labels[A.row] == labels[A.col]
    G = sp.csr_matrix((np.ones(same.sum()), (A.row[same], A.col[same])), shape=(inst.n, inst.n))
    _, comp = connected_components(G, directed=False)
    out["pieces"] = [len(np.unique(comp[labels == k])) for k in range(p)]
    for lv, names in (regions or {}).items():
        out[f"{lv}s"] = [len(set(names[labels == k])) for k in range(p)]
    out["centre_is_current"] = np.isin(plan.centres, inst.official_centre)
    for kind, mask in inst.services.items():
        out[f"service_{kind}"] = mask[plan.centres]
    return out


def criteria_ranges(inst: Instance, plan: Plan, regions: dict[str, np.ndarray] | None = None
                    ) -> pd.DataFrame:
    """One row per setting: ``setting``, ``consistent`` (e.g. 'at most 9,870'), ``bound`` (the
    limiting value), ``units`` (the new units that bind or break it) and ``text``."""
    f = unit_facts(inst, plan, regions)
    rows = []

    def add(setting, consistent, bound, units, text):
        rows.append({"setting": setting, "consistent": consistent, "bound": bound,
                     "units": ", ".join(map(str, units)), "text": text})

    def at(col, fn):
        v = fn(f[col])
        return float(v), f.loc[f[col] == v, "new_unit"].tolist()

    v, who = at("population", np.min)
    add("min_population", f"at most {v:,.0f}", v, who,
        f"consistent with a minimum population of at most {v:,.0f}: unit {who[0]} has {v:,.0f}")
    v, who = at("population", np.max)
    add("max_population", f"at least {v:,.0f}", v, who,
        f"consistent with a maximum population of at least {v:,.0f}: unit {who[0]} has "
        f"{v:,.0f}")
    for key, unit in (("minutes", "minutes"), ("km", "km")):
        if f"max_{key}" not in f:
            continue
        v, who = at(f"max_{key}", np.max)
        if np.isfinite(v):
            add(f"max_{key}", f"at least {v:,.1f}", v, who,
                f"consistent with a limit of at least {v:,.1f} {unit} to the centre: unit "
                f"{who[0]} has a settlement {v:,.1f} {unit} from its centre")
        else:
            add(f"max_{key}", "none", None, who,
                f"consistent with no {unit} limit: unit {who[0]} has a settlement with no "
                "route to its centre")
        v, who = at(f"max_{key}_worse", np.max)
        if np.isfinite(v):
            add(f"max_{key}_keep_access", f"at least {v:,.1f}", v, who if v > 0 else [],
                f"with keep_current_access, consistent with a limit of at least {v:,.1f} "
                f"{unit}" + (f": unit {who[0]} takes a settlement to {v:,.1f} {unit} from its "
                             "centre, farther than today" if v > 0 else
                             ": no settlement is farther from its centre than today"))
    v, who = at("municipalities", np.max)
    add("max_municipalities", f"at least {v:,.0f}", v, who,
        f"consistent with merging at least {v:,.0f} municipalities into one unit: unit {who[0]} "
        f"merges {v:,.0f}")
    broken = f.loc[f["pieces"] > 1]
    if broken.empty:
        add("contiguity", "true or false", None, [],
            "consistent with contiguity: every unit is one territory")
    else:
        add("contiguity", "false", None, broken["new_unit"].tolist(),
            "inconsistent with contiguity: " + "; ".join(
                f"unit {r.new_unit} consists of {r.pieces} separate territories"
                for r in broken.itertuples()))
    levels = [lv for lv in LEVELS if f"{lv}s" in f]
    tight = next((lv for lv in levels if (f[f"{lv}s"] <= 1).all()), "none")
    crossing = {lv: f.loc[f[f"{lv}s"] > 1, "new_unit"].tolist() for lv in levels}
    allowed = [*levels[levels.index(tight):], "none"] if tight != "none" else ["none"]
    text = f"consistent with stay_within = {' or '.join(allowed)}"
    for lv in levels:
        if crossing[lv]:
            text += (f"; inconsistent with {lv}: unit(s) {', '.join(map(str, crossing[lv]))} "
                     f"span several {lv}s")
    add("stay_within", " or ".join(allowed), None,
        crossing[levels[0]] if levels else [], text)
    odd = f.loc[~f["centre_is_current"], "new_unit"].tolist()
    add("centre_candidates", "all_settlements" if odd else "municipal_centres or all_settlements",
        None, odd, "consistent with centres among current municipal centres" if not odd else
        "centres must be allowed among all settlements: the centre of unit(s) "
        f"{', '.join(map(str, odd))} is not a current municipal centre")
    have = [k for k in inst.services if f[f"service_{k}"].all()]
    lacking = {k: f.loc[~f[f"service_{k}"], "new_unit"].tolist() for k in inst.services
               if k not in have}
    text = ("consistent with requiring at the centre: " + (", ".join(have) or "no service"))
    for k, units in lacking.items():
        text += (f"; not {k} (missing at {len(units)} centre(s), e.g. "
                 f"{', '.join(map(str, units[:3]))})")
    add("centre_services", ", ".join(have) or "none", None, [], text)
    add("max_units", f"at least {plan.n_units}", float(plan.n_units), [],
        f"consistent with a cap of at least {plan.n_units} units")
    return pd.DataFrame(rows, columns=["setting", "consistent", "bound", "units", "text"])


def consistent_criteria(inst: Instance, plan: Plan,
                        regions: dict[str, np.ndarray] | None = None) -> Criteria:
    """The tightest criteria of the criteria space that ``plan`` meets (travel weight 1)."""
    f = unit_facts(inst, plan, regions)
    levels = [lv for lv in LEVELS if f"{lv}s" in f]
    tight = next((lv for lv in levels if (f[f"{lv}s"] <= 1).all()), "none")

    def finite_max(col):
        if col not in f:
            return None
        v = float(f[col].max())
        return v if np.isfinite(v) else None

    return Criteria(
        min_population=float(f["population"].min()),
        max_population=float(f["population"].max()),
        max_minutes=finite_max("max_minutes"), max_km=finite_max("max_km"),
        contiguity=bool((f["pieces"] <= 1).all()), stay_within=tight,
        centre_candidates=("municipal_centres" if f["centre_is_current"].all()
                           else "all_settlements"),
        centre_services=tuple(k for k in inst.services if f[f"service_{k}"].all()),
        weights=Weights(travel=1.0), name="consistent",
        source="inferred: the tightest criteria the plan meets")


def with_criteria(inst: Instance, criteria: Criteria,
                  regions: dict[str, np.ndarray] | None = None) -> Instance:
    """The same instance under other criteria (border groups, candidates and the derived
    matrices recomputed). ``regions`` gives each municipality's rayon and oblast."""
    if criteria.stay_within == "none":
        group, names = np.zeros(inst.n, np.int64), np.array(["all"], object)
    elif regions and criteria.stay_within in regions:
        codes, uniq = pd.factorize(pd.Series(regions[criteria.stay_within]), sort=True)
        group, names = codes.astype(np.int64), np.asarray(uniq, object)
    else:
        group, names = inst.group, inst.group_names
    eligible = np.ones(len(inst.settlement_unit), bool)
    for kind in criteria.centre_services:
        eligible &= inst.services.get(kind, np.zeros_like(eligible))
    if criteria.centre_candidates == "municipal_centres":
        cands = np.flatnonzero(np.isin(np.arange(len(eligible)), inst.official_centre)
                               & eligible)
    else:
        cands = np.flatnonzero(eligible)
    return dataclasses.replace(inst, criteria=criteria,
                               group=group, group_names=names, eligible=eligible,
                               candidates=cands)


class InverseWeights:
    """Objective weights under which a plan is optimal, or as close to optimal as any allow.

    Parameters: ``terms`` (weighted besides travel, whose weight is 1), ``bound`` (largest
    weight), ``max_iter`` (cutting-plane rounds), ``time_limit`` and ``workers`` of each exact
    solve, ``tol`` (objective difference counted as a tie). After ``fit(inst, plan)``:
    ``weights_`` (``Weights``), ``gap_`` (how much the plan's objective exceeds the optimum
    under ``weights_``; 0 when optimal), ``optimal_``, ``nearest_`` (the optimum under
    ``weights_``; the plan itself when it is optimal), ``distance_`` (municipalities that would
    change unit), ``status_`` of the last solve, ``iterations_`` and ``history_`` (weights and
    gaps tried).
    """

    def __init__(self, terms: tuple[str, ...] = ("coherence", "balance", "units"),
                 bound: float = 5.0, max_iter: int = 20, time_limit: float = 30.0,
                 workers: int = 2, tol: float = 1e-4):
        self.terms = terms
        self.bound = bound
        self.max_iter = max_iter
        self.time_limit = time_limit
        self.workers = workers
        self.tol = tol

    def fit(self, inst: Instance, plan: Plan) -> InverseWeights:
        from aimak.plans.exact import ExactSolver
        from aimak.plans.validity import check_plan

        broken = check_plan(inst, plan)
        if broken:
            raise AimakError("the plan breaks the criteria it is explained under: "
                             + "; ".join(v.message for v in broken[:3]))
        terms = [t for t in self.terms if not (t == "coherence" and inst.total_flow <= 0)]
        names = ["travel", *terms]

        def vector(p: Plan, i: Instance) -> np.ndarray:
            values = objective_terms(i, p)
            return np.array([values[TERMS[t]] for t in names])

        f0 = vector(plan, inst)
        cuts: list[np.ndarray] = []
        w = np.r_[1.0, np.zeros(len(terms))]
        self.history_ = []
        best = None
        self.iterations_ = 0
        for _round in range(self.max_iter):
            self.iterations_ += 1
            weights = Weights(**dict(zip(names, w.tolist(), strict=True)),
                              balance_target=inst.balance_target())
            sub = dataclasses.replace(inst, criteria=inst.criteria.model_copy(
                update={"weights": weights}))
            solver = ExactSolver(time_limit=self.time_limit, workers=self.workers,
                                 explain=False).fit(sub, hint=plan)
            opt = solver.plan_
            fo = vector(opt, sub)
            gap = float(f0 @ w - fo @ w)
            self.history_.append({**dict(zip(names, w.tolist(), strict=True)), "gap": gap,
                                  "status": solver.status_})
            if best is None or gap < best[0]:
                best = (gap, w.copy(), opt, solver.status_, sub)
            lp_gap = self._lp_bound(cuts, f0, w) if cuts else -np.inf
            if gap <= max(lp_gap, 0.0) + self.tol:
                break
            cuts.append(fo)
            w, lp_gap = self._solve_lp(cuts, f0, names)
        gap, w, opt, status, sub = best
        self.weights_ = Weights(**dict(zip(names, w.tolist(), strict=True)))
        self.gap_ = max(gap, 0.0)
        self.optimal_ = gap <= self.tol
        self.status_ = status
        self.objective_ = float(f0 @ w)
        # the plan itself when it is optimal (a copy: the caller's plan keeps its name)
        self.nearest_ = (Plan(plan.labels.copy(), plan.centres.copy(), unit_ids=plan.unit_ids)
                         if self.optimal_ else opt)
        self.nearest_.name = "nearest"
        self.distance_ = 0 if self.optimal_ else plan_distance(plan.labels, opt.labels)
        self.lower_bound_ = max(float(lp_gap), 0.0) if cuts else 0.0
        return self

    def _solve_lp(self, cuts: list[np.ndarray], f0: np.ndarray, names: list[str]
                  ) -> tuple[np.ndarray, float]:
        """Weights (travel = 1) minimising the plan's largest excess over the cut plans, with
        a small penalty on weight size so that the simplest such weights are chosen."""
        # variables: one weight per term (units split in a positive and a negative part), eps
        cols = []
        for t in names[1:]:
            cols.append((t, 1.0))
            if t == "units":
                cols.append((t, -1.0))
        A, b = [], []
        for fj in cuts:
            d = f0 - fj
            A.append([d[names.index(t)] * s for t, s in cols] + [-1.0])
            b.append(-d[0])
        c = np.r_[np.full(len(cols), 1e-3), 1.0]
        bounds = [(0.0, self.bound)] * len(cols) + [(None, None)]
        res = linprog(c, A_ub=np.array(A), b_ub=np.array(b), bounds=bounds, method="highs")
        if res.status != 0:  # never expected: the programme is always feasible and bounded
            raise AimakError(f"the weight programme failed: {res.message}")
        x = res.x
        w = np.ones(len(names))
        for i, t in enumerate(names[1:], start=1):
            w[i] = sum(x[j] * s for j, (tt, s) in enumerate(cols) if tt == t)
        return w, float(x[-1])

    @staticmethod
    def _lp_bound(cuts: list[np.ndarray], f0: np.ndarray, w: np.ndarray) -> float:
        return max(float((f0 - fj) @ w) for fj in cuts)


def differences(inst: Instance, official: Plan, nearest: Plan) -> pd.DataFrame:
    """Unit by unit, the official plan against the nearest optimal one: the matched unit, the
    municipalities that move, and the indicators that differ."""
    from aimak.plans.evaluate import unit_indicators

    a = unit_indicators(inst, official)
    b = unit_indicators(inst, nearest)
    table = sp.coo_matrix((np.ones(inst.n), (official.labels, nearest.labels)),
                          shape=(official.n_units, nearest.n_units)).toarray()
    r, c = linear_sum_assignment(table, maximize=True)
    match = dict(zip(r.tolist(), c.tolist(), strict=True))
    rows = []
    for k in range(official.n_units):
        mine = set(np.flatnonzero(official.labels == k).tolist())
        j = match.get(k)
        theirs = set(np.flatnonzero(nearest.labels == j).tolist()) if j is not None else set()
        row = {"new_unit": a["new_unit"].iloc[k],
               "nearest_unit": b["new_unit"].iloc[j] if j is not None else "",
               "same": mine == theirs and j is not None
               and official.centres[k] == nearest.centres[j],
               "leave": ", ".join(inst.unit_names[sorted(mine - theirs)]),
               "join": ", ".join(inst.unit_names[sorted(theirs - mine)]),
               "leave_codes": ", ".join(inst.units[sorted(mine - theirs)]),
               "join_codes": ", ".join(inst.units[sorted(theirs - mine)])}
        for col in ("population", "mean_minutes_to_centre", "self_containment"):
            row[f"{col}_official"] = a[col].iloc[k]
            row[f"{col}_nearest"] = b[col].iloc[j] if j is not None else np.nan
        row["centre_official"] = a["centre_name"].iloc[k]
        row["centre_nearest"] = b["centre_name"].iloc[j] if j is not None else ""
        row["centre_official_id"] = a["centre_id"].iloc[k]
        row["centre_nearest_id"] = b["centre_id"].iloc[j] if j is not None else ""
        rows.append(row)
    return pd.DataFrame(rows)
