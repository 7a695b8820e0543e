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
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import Field

from aimak.checks import Params, check
from aimak.errors import fail
from aimak.io import read_toml
from aimak.plans.instance import Instance, Plan, objective_terms
from aimak.plans.validity import check_plan


class AdminNorms(Params):
    """Staff of a unit's administration = base_staff + staff_per_1000 x thousands of
    inhabitants; cost = staff x annual_cost_per_staff (som per year). Defaults are ASSUMPTIONS
    (see ``criteria/admin_norms.toml``), not a cited norm."""

    base_staff: float = Field(8.0, ge=0)
    staff_per_1000: float = Field(0.5, ge=0)
    annual_cost_per_staff: float = Field(300_000.0, ge=0)
    currency: str = Field("KGS", min_length=1)
    source: str = Field("assumption", min_length=1)

    @classmethod
    def read(cls, path: str | Path | None = None) -> AdminNorms:
        """Norms from a TOML file's ``[admin]`` table (keys not given keep the defaults), or
        the built-in ``admin_norms.toml``; errors name the file and the key."""
        if path is None:
            text = (resources.files("aimak.plans") / "criteria" / "admin_norms.toml").read_text(
                encoding="utf-8")
            label = "admin_norms.toml (built-in)"
            data = tomllib.loads(text)
        else:
            label = str(path)
            data = read_toml(path, "norms file")
        unknown = sorted(set(data) - {"admin"})
        if unknown:
            raise fail(f"unknown table(s) {', '.join(unknown)}; expected [admin]", label)
        return check(cls, data.get("admin", {}), label, "admin")

    def staff(self, population: np.ndarray) -> np.ndarray:
        return self.base_staff + self.staff_per_1000 * np.asarray(population) / 1000.0


def current_plan(inst: Instance) -> Plan:
    """The current map: every municipality its own unit, centred on its current centre."""
    return Plan(np.arange(inst.n), inst.official_centre.copy(), name="current",
                status="current", unit_ids=inst.units.copy())


def read_plan(path: str | Path, inst: Instance, name: str | None = None) -> Plan:
    """Read a plan file ``old_code,new_unit[,centre]`` (CSV, XLSX, Parquet): every municipality
    exactly once; errors name the file, the row and the column (``Plan.from_mapping``)."""
    from aimak.io import read_table

    path = Path(path)
    return Plan.from_mapping(inst, read_table(path), name=name or path.stem, status="given",
                             source=str(path))


def write_plan(path: str | Path, inst: Instance, plan: Plan) -> None:
    """Write ``old_code,new_unit,centre`` atomically."""
    from aimak.io import atomic_path

    with atomic_path(path) as tmp:
        plan.to_mapping(inst).to_csv(tmp, index=False)


def unit_indicators(inst: Instance, plan: Plan, norms: AdminNorms | None = None,
                    lang: str | None = None) -> pd.DataFrame:
    """One row per new unit (see the module docstring for units of measure).

    The ``violations`` column is in English unless ``lang`` (ru, ky, en) asks otherwise.
    """
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
            by_unit.setdefault(v.unit, []).append(v.text(lang) if lang else v.message)
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
