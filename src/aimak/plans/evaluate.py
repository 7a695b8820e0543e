"""Indicators of any plan, per new unit and per plan, and a side-by-side comparison.

A plan is read from ``old_code,new_unit[,centre]`` (centre: a settlement id). Indicators are
computed from the instance's settlement-level arrays: population (inhabitants), area (km²),
travel time to the centre (minutes, population-weighted mean and maximum, share of people
within 30 and 60 minutes), self-containment (share of flows leaving the unit's settlements for
other settlements that stay in the unit), services at the centre, criteria violations and an
estimate of administrative staff and cost under configurable norms.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from aimak.errors import InputError, Problem, fail
from aimak.plans.instance import Instance, Plan, objective_terms
from aimak.plans.validity import check_plan


@dataclass(frozen=True)
class AdminNorms:
    """Staff of a unit's administration = base_staff + staff_per_1000 x thousands of
    inhabitants; cost = staff x annual_cost_per_staff (som per year). Defaults are ASSUMPTIONS
    (see ``criteria/admin_norms.toml``), not a cited norm."""

    base_staff: float = 8.0
    staff_per_1000: float = 0.5
    annual_cost_per_staff: float = 300_000.0
    currency: str = "KGS"
    source: str = "assumption"

    @classmethod
    def read(cls, path: str | Path | None = None) -> AdminNorms:
        if path is None:
            text = (resources.files("aimak.plans") / "criteria" / "admin_norms.toml").read_text(
                encoding="utf-8")
            label = "admin_norms.toml (built-in)"
            data = tomllib.loads(text)
        else:
            from aimak.config import read_toml

            label = str(path)
            data = read_toml(path, "norms file")
        from aimak.params import NormsParams, check

        unknown = sorted(set(data) - {"admin"})
        if unknown:
            raise fail(f"unknown table(s) {', '.join(unknown)}; expected [admin]", label)
        given = check(NormsParams, data.get("admin", {}), label, "admin")
        return cls(**given.model_dump(exclude_none=True))

    def staff(self, population: np.ndarray) -> np.ndarray:
        return self.base_staff + self.staff_per_1000 * np.asarray(population) / 1000.0


def current_plan(inst: Instance) -> Plan:
    """The current map: every municipality its own unit, centred on its current centre."""
    return Plan(np.arange(inst.n), inst.official_centre.copy(), name="current",
                status="current", unit_ids=inst.units.copy())


def read_plan(path: str | Path, inst: Instance, name: str | None = None) -> Plan:
    """Read ``old_code,new_unit[,centre]``; every municipality exactly once.

    A unit without a centre gets the best allowed candidate (as the solvers would choose), or
    failing that the current centre of its most populous municipality.
    """
    from aimak.io import read_table
    from aimak.schema import SOURCE_ROW

    path = Path(path)
    df = read_table(path)
    label = str(path)
    missing = [c for c in ("old_code", "new_unit") if c not in df.columns]
    if missing:
        raise fail(f"the plan lacks the column(s) {', '.join(missing)}; expected "
                   "old_code,new_unit[,centre]", label)
    if len(df) == 0:
        raise fail("the plan has a header but no rows; expected one row per municipality",
                   label)
    problems: list[Problem] = []
    rows = df[SOURCE_ROW].to_numpy()
    text = {c: df[c].astype("string").str.strip() for c in ("old_code", "new_unit")}
    for col, values in text.items():
        for r in np.flatnonzero((values.isna() | (values == "")).to_numpy(bool)):
            problems.append(Problem(f"the {col} is empty; expected "
                                    + ("a municipality code" if col == "old_code"
                                       else "the name of the new unit it joins"),
                                    label, int(rows[r]), col))
    if problems:
        raise InputError(problems)
    codes = text["old_code"].to_numpy(object)
    units = text["new_unit"].to_numpy(object)
    index = pd.Index(inst.units)
    ui = index.get_indexer(codes)
    for r in np.flatnonzero(ui < 0):
        problems.append(Problem(f"'{codes[r]}' is not a municipality code of the dataset",
                                label, int(rows[r]), "old_code"))
    dup = pd.Series(codes).duplicated(keep=False).to_numpy()
    for r in np.flatnonzero(dup):
        problems.append(Problem(f"the municipality '{codes[r]}' appears more than once",
                                label, int(rows[r]), "old_code"))
    absent = sorted(set(inst.units) - set(codes))
    if absent:
        problems.append(Problem(f"{len(absent)} municipalities are missing from the plan "
                                f"(e.g. {', '.join(absent[:5])}); every one needs a new_unit",
                                label, None, "old_code"))
    if problems:
        raise InputError(problems)
    ids, lab_rows = np.unique(units, return_inverse=True)
    labels = np.empty(inst.n, np.int64)
    labels[ui] = lab_rows
    sid = pd.Index(inst.settlement_ids)
    centres = np.full(len(ids), -1, np.int64)
    if "centre" in df.columns:
        cent = df["centre"].astype("string").str.strip()
        for r in np.flatnonzero(cent.notna().to_numpy() & (cent.fillna("") != "").to_numpy()):
            s = sid.get_indexer([cent.iloc[r]])[0]
            k = lab_rows[r]
            if s < 0:
                problems.append(Problem(f"'{cent.iloc[r]}' is not a settlement id of the "
                                        "dataset", label, int(rows[r]), "centre"))
            elif labels[inst.settlement_unit[s]] != k:
                problems.append(Problem(f"the centre '{cent.iloc[r]}' is not in unit "
                                        f"'{ids[k]}'", label, int(rows[r]), "centre"))
            elif centres[k] >= 0 and centres[k] != s:
                problems.append(Problem(f"unit '{ids[k]}' is given two different centres",
                                        label, int(rows[r]), "centre"))
            else:
                centres[k] = s
    if problems:
        raise InputError(problems)
    for k in np.flatnonzero(centres < 0):
        members = np.flatnonzero(labels == k)
        centres[k] = choose_centre(inst, members)
    return Plan(labels, centres, name=name or path.stem, status="given", unit_ids=ids)


def choose_centre(inst: Instance, members: np.ndarray) -> int:
    """Best allowed candidate centre of a set of municipalities, else the current centre of
    the most populous one (settlement index)."""
    cands = np.flatnonzero(np.isin(inst.cand_unit, members))
    ok = cands[inst.allowed[np.ix_(members, cands)].all(axis=0)] if len(cands) else cands
    if len(ok):
        best = min(ok, key=lambda c: inst.region_cost(members, int(c)))
        return int(inst.candidates[best])
    return int(inst.official_centre[members[np.argmax(inst.population[members])]])


def write_plan(path: str | Path, inst: Instance, plan: Plan) -> None:
    """Write ``old_code,new_unit,centre`` atomically."""
    from aimak.io import atomic_path

    ids = plan.ids(inst)
    df = pd.DataFrame({"old_code": inst.units, "new_unit": ids[plan.labels],
                       "centre": inst.settlement_ids[plan.centres[plan.labels]]})
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False)


def unit_indicators(inst: Instance, plan: Plan, norms: AdminNorms | None = None
                    ) -> pd.DataFrame:
    """One row per new unit (see the module docstring for units of measure)."""
    norms = norms or AdminNorms()
    p = plan.n_units
    su = inst.settlement_unit
    s_label = plan.labels[su]
    s_centre = plan.centres[s_label]
    t = inst.minutes[np.arange(len(su)), s_centre].astype(float)
    pop_s = inst.settlement_pop
    pop = np.bincount(plan.labels, weights=inst.population, minlength=p)
    finite = np.isfinite(t)
    wmean = np.bincount(s_label, weights=pop_s * np.where(finite, t, 0), minlength=p)
    reach_pop = np.bincount(s_label, weights=pop_s * finite, minlength=p)
    tmax = np.full(p, -np.inf)
    np.maximum.at(tmax, s_label, np.where(finite, t, np.inf))
    within = {}
    for limit in (30, 60):
        within[limit] = np.bincount(s_label, weights=pop_s * (t <= limit), minlength=p)
    F = inst.flows.tocoo()
    out_flow = np.bincount(plan.labels[F.row], weights=F.data, minlength=p)
    inside = plan.labels[F.row] == plan.labels[F.col]
    in_flow = np.bincount(plan.labels[F.row][inside], weights=F.data[inside], minlength=p)
    viol = check_plan(inst, plan)
    by_unit: dict[int, list[str]] = {}
    for v in viol:
        if v.unit is not None:
            by_unit.setdefault(v.unit, []).append(v.message)
    services = [", ".join(sorted(k for k, mask in inst.services.items() if mask[c]))
                for c in plan.centres]
    staff = norms.staff(pop)
    ids = plan.ids(inst)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = pd.DataFrame({
            "new_unit": ids,
            "centre_id": inst.settlement_ids[plan.centres],
            "centre_name": inst.settlement_names[plan.centres],
            "n_municipalities": np.bincount(plan.labels, minlength=p),
            "municipalities": [", ".join(inst.units[plan.labels == k]) for k in range(p)],
            "n_settlements": np.bincount(s_label, minlength=p),
            "population": pop,
            "area_km2": np.bincount(plan.labels, weights=inst.area_km2, minlength=p),
            "mean_minutes_to_centre": wmean / reach_pop,
            "max_minutes_to_centre": tmax,
            "share_within_30_min": within[30] / pop,
            "share_within_60_min": within[60] / pop,
            "self_containment": np.where(out_flow > 0, in_flow / out_flow, np.nan),
            "services_in_centre": services,
            "admin_staff": staff,
            f"admin_cost_{norms.currency}": staff * norms.annual_cost_per_staff,
            "violations": ["; ".join(by_unit.get(k, [])) for k in range(p)],
        })
    return df


def plan_indicators(inst: Instance, plan: Plan, norms: AdminNorms | None = None
                    ) -> dict[str, object]:
    """Plan-level indicators (totals and population-weighted means)."""
    norms = norms or AdminNorms()
    u = unit_indicators(inst, plan, norms)
    terms = objective_terms(inst, plan)
    P = u["population"].sum()
    viol = check_plan(inst, plan)
    return {
        "plan": plan.name,
        "status": plan.status,
        "units": plan.n_units,
        "population": P,
        "smallest_unit_population": u["population"].min(),
        "largest_unit_population": u["population"].max(),
        "mean_minutes_to_centre": float(np.nansum(u["mean_minutes_to_centre"] * u["population"])
                                        / P) if P else np.nan,
        "max_minutes_to_centre": u["max_minutes_to_centre"].max(),
        "share_within_30_min": float((u["share_within_30_min"] * u["population"]).sum() / P),
        "share_within_60_min": float((u["share_within_60_min"] * u["population"]).sum() / P),
        "self_containment": 1.0 - terms["outside_flow_share"] if inst.total_flow > 0
        else np.nan,
        "objective": inst.objective(plan),
        "violations": len(viol),
        "violated_criteria": ", ".join(sorted({v.criterion for v in viol})),
        "admin_staff": u["admin_staff"].sum(),
        f"admin_cost_{norms.currency}": u[f"admin_cost_{norms.currency}"].sum(),
    }


def compare(inst: Instance, plans: list[Plan], norms: AdminNorms | None = None
            ) -> pd.DataFrame:
    """Indicators (rows) of several plans (columns), side by side."""
    rows = [plan_indicators(inst, p, norms) for p in plans]
    df = pd.DataFrame(rows).set_index("plan").T
    return df


def write_workbook(path: str | Path, inst: Instance, plans: list[Plan],
                   norms: AdminNorms | None = None) -> None:
    """An XLSX with a comparison sheet, one sheet of units per plan, and the provenance."""
    from aimak.io import atomic_path

    norms = norms or AdminNorms()
    comp = compare(inst, plans, norms)
    prov = pd.DataFrame({"item": [*inst.provenance, "criteria", "admin norms"],
                         "source": [*inst.provenance.values(), inst.criteria.source or "",
                                    norms.source]})
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
        comp.to_excel(xw, sheet_name="comparison")
        used = set()
        for p in plans:
            name = p.name[:28] or "plan"
            while name in used:
                name = name[:26] + f"_{len(used)}"
            used.add(name)
            unit_indicators(inst, p, norms).to_excel(xw, sheet_name=name, index=False)
        prov.to_excel(xw, sheet_name="provenance", index=False)
