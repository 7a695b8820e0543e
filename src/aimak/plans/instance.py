"""The amalgamation instance: arrays built once and shared by solvers, checker and evaluation.

Units are the current municipalities; settlements carry population, travel times and flows. A
new unit's centre is one of its settlements; the candidate centres are the settlements that meet
the criteria's service requirement (by default among the current municipal centres).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from aimak.errors import InputError, Problem, fail
from aimak.plans.criteria import Criteria
from aimak.schema import SOURCE_ROW
from aimak.zones.flowmatrix import FlowMatrix

#: Municipalities closer than this (metres) count as neighbours: approximate territories do not
#: always share an exact boundary.
ADJACENCY_TOLERANCE_M = 50.0


@dataclass
class Plan:
    """A plan: ``labels[u]`` is the new unit (0..p-1) of municipality u, ``centres[k]`` the
    settlement index of new unit k's centre."""

    labels: np.ndarray
    centres: np.ndarray
    name: str = "plan"
    status: str = ""
    unit_ids: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.labels, dtype=np.int64)
        self.centres = np.asarray(self.centres, dtype=np.int64)

    def ids(self, inst: Instance) -> np.ndarray:
        """New unit ids: given ones, else the code of the municipality holding the centre."""
        if self.unit_ids is not None:
            return np.asarray(self.unit_ids, dtype=object)
        return inst.units[inst.settlement_unit[self.centres]]

    @property
    def n_units(self) -> int:
        return len(self.centres)

    def members(self, k: int) -> np.ndarray:
        return np.flatnonzero(self.labels == k)

    def canonical(self) -> Plan:
        """The same plan with units renumbered in order of their first municipality (a stable
        plan identity)."""
        _, first = np.unique(self.labels, return_index=True)
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        ids = None if self.unit_ids is None else np.asarray(self.unit_ids, dtype=object)[order]
        return Plan(rank[self.labels], self.centres[order], self.name, self.status, ids)

    @classmethod
    def join(cls, inst: Instance, parts: list[tuple[np.ndarray, Plan]]) -> Plan:
        """One plan of ``inst`` from plans of its parts (municipality index arrays, each with a
        plan of ``inst.subset`` of them), in canonical order."""
        labels = np.empty(inst.n, np.int64)
        centres: list[int] = []
        for units, plan in parts:
            S = np.flatnonzero(np.isin(inst.settlement_unit, units))
            labels[units] = plan.labels + len(centres)
            centres.extend(S[plan.centres].tolist())
        return cls(labels, np.array(centres, np.int64)).canonical()

    def to_mapping(self, inst: Instance) -> pd.DataFrame:
        """``old_code, new_unit, centre`` (settlement id) for every current municipality."""
        ids = self.ids(inst)
        return pd.DataFrame({"old_code": inst.units, "new_unit": ids[self.labels],
                             "centre": inst.settlement_ids[self.centres][self.labels]})

    @classmethod
    def from_mapping(cls, inst: Instance, mapping: pd.DataFrame | Iterable[Mapping[str, Any]],
                     name: str = "plan", status: str = "", source: str = "plan") -> Plan:
        """The plan of a mapping ``old_code, new_unit[, centre]`` (a table or records): every
        municipality exactly once; a unit without a centre gets the best allowed one
        (``Instance.choose_centre``). Every bad row is reported at once, naming ``source``,
        the row and the column; nothing is guessed."""
        df = mapping if isinstance(mapping, pd.DataFrame) else pd.DataFrame(list(mapping))
        missing = [c for c in ("old_code", "new_unit") if c not in df.columns]
        if missing:
            raise fail(f"the plan lacks the column(s) {', '.join(missing)}; expected "
                       "old_code,new_unit[,centre]", source)
        if len(df) == 0:
            raise fail("the plan has no rows; expected one row per municipality", source)
        rows = (df[SOURCE_ROW].to_numpy() if SOURCE_ROW in df.columns
                else np.arange(1, len(df) + 1))
        text = {c: df[c].astype("string").str.strip().fillna("")
                for c in ("old_code", "new_unit", "centre") if c in df.columns}
        problems: list[Problem] = []
        codes = text["old_code"].to_numpy(object)
        units = text["new_unit"].to_numpy(object)
        ui = pd.Index(inst.units.astype(str)).get_indexer(codes)
        first_row: dict[str, int] = {}
        for r, (code, unit) in enumerate(zip(codes, units, strict=True)):
            row = int(rows[r])
            if not code:
                problems.append(Problem("the old_code is empty; expected a municipality code",
                                        source, row, "old_code"))
            elif ui[r] < 0:
                problems.append(Problem(f"'{code}' is not a municipality code of the dataset",
                                        source, row, "old_code"))
            elif code in first_row:
                problems.append(Problem(f"the municipality '{code}' appears more than once "
                                        f"(first at row {first_row[code]})", source, row,
                                        "old_code"))
            else:
                first_row[code] = row
            if not unit:
                problems.append(Problem("the new_unit is empty; expected the name of the new "
                                        "unit it joins", source, row, "new_unit"))
        absent = sorted(set(inst.units.astype(str)) - set(codes))
        if absent:
            problems.append(Problem(f"{len(absent)} municipalities are missing from the plan "
                                    f"(e.g. {', '.join(absent[:5])}); every one needs a "
                                    "new_unit", source, None, "old_code"))
        if problems:
            raise InputError(problems)
        ids, unit_of_row = np.unique(units, return_inverse=True)
        labels = np.empty(inst.n, np.int64)
        labels[ui] = unit_of_row
        centres = np.full(len(ids), -1, np.int64)
        sid = pd.Index(inst.settlement_ids.astype(str))
        given = text.get("centre")
        for r in [] if given is None else np.flatnonzero((given != "").to_numpy(bool)):
            centre, k = given.iloc[r], unit_of_row[r]
            s = sid.get_indexer([centre])[0]
            if s < 0:
                problems.append(Problem(f"'{centre}' is not a settlement id of the dataset",
                                        source, int(rows[r]), "centre"))
            elif labels[inst.settlement_unit[s]] != k:
                problems.append(Problem(f"the centre '{centre}' is not in unit '{ids[k]}'",
                                        source, int(rows[r]), "centre"))
            elif centres[k] >= 0 and centres[k] != s:
                problems.append(Problem(f"unit '{ids[k]}' is given two different centres",
                                        source, int(rows[r]), "centre"))
            else:
                centres[k] = s
        if problems:
            raise InputError(problems)
        for k in np.flatnonzero(centres < 0):
            centres[k] = inst.choose_centre(np.flatnonzero(labels == k))
        return cls(labels, centres, name=name, status=status, unit_ids=ids.astype(object))


@dataclass
class Instance:
    """Arrays describing one amalgamation problem.

    ``minutes[s, t]`` and ``km[s, t]`` are travel from settlement s to settlement t (inf when
    unknown); ``flows`` is the municipality x municipality matrix of flows between different
    settlements; ``group`` is each municipality's rayon (or oblast) index for ``stay_within``.
    """

    units: np.ndarray
    unit_names: np.ndarray
    population: np.ndarray
    area_km2: np.ndarray
    group: np.ndarray
    group_names: np.ndarray
    adjacency: sp.csr_matrix
    settlement_ids: np.ndarray
    settlement_names: np.ndarray
    settlement_unit: np.ndarray
    settlement_pop: np.ndarray
    minutes: np.ndarray
    flows: sp.csr_matrix
    eligible: np.ndarray
    candidates: np.ndarray
    official_centre: np.ndarray
    criteria: Criteria
    km: np.ndarray | None = None
    services: dict[str, np.ndarray] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    #: Normalising constants (population, unit count, flow, balance target) inherited by a
    #: sub-instance so that its objective is on the parent's scale.
    norm: dict[str, float] | None = None
    #: Values balanced by the ``balance`` objective (default: population), per municipality.
    balance_values: np.ndarray | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_arrays(cls, population_by_settlement: np.ndarray, settlement_unit: np.ndarray,
                    adjacency: np.ndarray | sp.spmatrix, minutes: np.ndarray,
                    criteria: Criteria, *, km: np.ndarray | None = None,
                    flows: np.ndarray | sp.spmatrix | None = None,
                    group: np.ndarray | None = None, candidates: np.ndarray | None = None,
                    units: list[str] | None = None, official_centre: np.ndarray | None = None,
                    eligible: np.ndarray | None = None, area_km2: np.ndarray | None = None,
                    ) -> Instance:
        """Build from plain arrays (tests, benchmarks, synthetic lattices).

        ``flows`` is settlement x settlement (its diagonal is ignored). Without ``candidates``
        every eligible settlement may be a centre; ``official_centre`` defaults to each unit's
        most populous settlement.
        """
        pop = np.asarray(population_by_settlement, dtype=float)
        su = np.asarray(settlement_unit, dtype=np.int64)
        n = int(su.max()) + 1
        m = len(pop)
        units_arr = np.asarray(units if units is not None else [f"u{i}" for i in range(n)],
                               dtype=object)
        upop = np.bincount(su, weights=pop, minlength=n)
        if official_centre is None:
            order = np.lexsort((-pop, su))
            first = np.r_[True, su[order][1:] != su[order][:-1]]
            official_centre = order[first]
        elig = np.ones(m, bool) if eligible is None else np.asarray(eligible, bool)
        if candidates is None:
            candidates = np.flatnonzero(elig)
        F = sp.csr_matrix((m, m)) if flows is None else sp.csr_matrix(flows, dtype=float)
        A = sp.csr_matrix((np.ones(m), (np.arange(m), su)), shape=(m, n))
        F = F - sp.diags(F.diagonal())
        UF = (A.T @ F @ A).tocsr()
        grp = np.zeros(n, np.int64) if group is None else np.asarray(group, np.int64)
        adj = sp.csr_matrix(adjacency, dtype=bool)
        adj = ((adj + adj.T) > 0).astype(bool).tocsr()
        adj.setdiag(False)
        adj.eliminate_zeros()
        return cls(
            units=units_arr, unit_names=units_arr.copy(), population=upop,
            area_km2=np.ones(n) if area_km2 is None else np.asarray(area_km2, float),
            group=grp, group_names=np.array([str(g) for g in range(grp.max() + 1)], object),
            adjacency=adj, settlement_ids=np.array([f"s{i}" for i in range(m)], object),
            settlement_names=np.array([f"s{i}" for i in range(m)], object),
            settlement_unit=su, settlement_pop=pop,
            minutes=np.asarray(minutes, dtype=np.float32), km=None if km is None else
            np.asarray(km, dtype=np.float32), flows=UF, eligible=elig,
            candidates=np.asarray(candidates, np.int64),
            official_centre=np.asarray(official_centre, np.int64), criteria=criteria,
            provenance={"data": "synthetic"})

    @classmethod
    def from_dataset(cls, ds, times: pd.DataFrame, criteria: Criteria,
                     flows: pd.DataFrame | None = None, times_file: str = "times",
                     flows_file: str = "flows") -> Instance:
        """Build from a ``Dataset``, a long travel-time table and an optional flows table."""
        s = ds.settlements.reset_index(drop=True)
        mun = ds.municipalities.reset_index(drop=True)
        codes = mun["code"].astype(str).to_numpy(object)
        code_index = pd.Index(codes)
        su = code_index.get_indexer(s["municipality_code"].astype(str))
        pop = s["population"].to_numpy(float)
        n, m = len(codes), len(s)
        ids = s["id"].astype(str).to_numpy(object)
        sid_index = pd.Index(ids)

        minutes, km = read_times(times, sid_index, times_file)

        gcol = {"rayon": "rayon", "oblast": "oblast", "none": None}[criteria.stay_within]
        if gcol is None:
            group = np.zeros(n, np.int64)
            gnames = np.array(["all"], object)
        else:
            codes_g, uniq = pd.factorize(mun[gcol].astype(str), sort=True)
            group, gnames = codes_g.astype(np.int64), np.asarray(uniq, object)

        metric = ds.to_metric("municipalities")
        area = shapely.area(metric.geometry.values) / 1e6
        adjacency = polygon_adjacency(metric.geometry.values)

        services: dict[str, np.ndarray] = {}
        spts = ds.to_metric("settlements").reset_index(drop=True).geometry.values
        fac = ds.to_metric("facilities").reset_index(drop=True)
        tree = shapely.STRtree(fac.geometry.values)
        hits = tree.query(spts, predicate="dwithin", distance=criteria.service_radius_m)
        ftype = fac["type"].astype(str).to_numpy(object)
        for t in pd.unique(ftype):
            mask = np.zeros(m, bool)
            sel = ftype[hits[1]] == t
            mask[hits[0][sel]] = True
            services[str(t)] = mask
        elig = np.ones(m, bool)
        for t in criteria.centre_services:
            elig &= services.get(t, np.zeros(m, bool))
        official = sid_index.get_indexer(mun["centre_id"].astype(str))
        if criteria.centre_candidates == "municipal_centres":
            cands = np.flatnonzero(np.isin(np.arange(m), official) & elig)
        else:
            cands = np.flatnonzero(elig)

        if flows is not None and len(flows):
            fm = FlowMatrix.from_frame(flows, file=flows_file, units=list(ids))
            F = fm.T - sp.diags(fm.T.diagonal())
        else:
            F = sp.csr_matrix((m, m))
        A = sp.csr_matrix((np.ones(m), (np.arange(m), su)), shape=(m, n))
        UF = (A.T @ F @ A).tocsr()
        prov = {"population": ", ".join(sorted(pd.unique(s["population_source"].astype(str)))),
                "territory": ", ".join(sorted(pd.unique(mun["territory_source"].astype(str)))),
                "flows": "none supplied" if flows is None else
                ", ".join(sorted(pd.unique(flows["source"].astype(str))))
                if "source" in flows.columns else "unspecified",
                "times": ", ".join(sorted(pd.unique(times["mode"].astype(str))))
                if "mode" in times.columns else "unspecified"}
        name_col = "name_en" if "name_en" in mun.columns else "code"
        balance_values = None
        col = criteria.weights.balance_on
        if col != "population":
            if col not in mun.columns:
                raise fail(f"balance_on names the column '{col}', which the municipalities "
                           "layer does not have", criteria.source, column="balance_on")
            vals = pd.to_numeric(mun[col], errors="coerce").to_numpy(float)
            bad = np.flatnonzero(~(vals >= 0))
            if len(bad):
                raise InputError([Problem(f"'{mun[col].iloc[r]}' is not a non-negative number",
                                          "municipalities", int(r) + 1, col) for r in bad[:20]])
            balance_values = vals
            prov["balance"] = f"municipalities column '{col}'"
        return cls(
            units=codes, unit_names=mun[name_col].astype(str).to_numpy(object),
            population=np.bincount(su, weights=pop, minlength=n), area_km2=area,
            group=group, group_names=gnames, adjacency=adjacency, settlement_ids=ids,
            settlement_names=s["name_en"].astype(str).to_numpy(object), settlement_unit=su,
            settlement_pop=pop, minutes=minutes, km=km, flows=UF, eligible=elig,
            candidates=cands, official_centre=official, criteria=criteria,
            services=services, provenance=prov, balance_values=balance_values)

    # ------------------------------------------------------------------ derived arrays
    @property
    def n(self) -> int:
        return len(self.units)

    @property
    def total_population(self) -> float:
        return float(self.population.sum())

    @property
    def norm_population(self) -> float:
        return self.norm["population"] if self.norm else max(self.total_population, 1e-9)

    @property
    def norm_units(self) -> float:
        return self.norm["units"] if self.norm else float(self.n)

    @property
    def bal(self) -> np.ndarray:
        return self.population if self.balance_values is None else self.balance_values

    @property
    def norm_balance(self) -> float:
        if self.norm and "balance" in self.norm:
            return self.norm["balance"]
        return max(float(self.bal.sum()), 1e-9)

    @property
    def norm_flow(self) -> float:
        return self.norm["flow"] if self.norm else self.total_flow

    def subset(self, units: np.ndarray) -> Instance:
        """The sub-instance on the given municipalities, objective on this instance's scale."""

        units = np.asarray(units, np.int64)
        umap = np.full(self.n, -1)
        umap[units] = np.arange(len(units))
        S = np.flatnonzero(umap[self.settlement_unit] >= 0)
        smap = np.full(len(self.settlement_unit), -1)
        smap[S] = np.arange(len(S))
        keep = set(self.units[units].tolist())
        crit = self.criteria.model_copy(update={
            "must_merge": tuple(p for p in self.criteria.must_merge if set(p) <= keep),
            "must_not_merge": tuple(p for p in self.criteria.must_not_merge if set(p) <= keep),
            "min_population_exempt": tuple(self.units[units][self.exempt[units]].tolist()),
            "exempt_isolated": False,  # the parent's exemptions are carried as codes
            "weights": self.criteria.weights.model_copy(
                update={"balance_target": self.balance_target()})})
        cands = self.candidates[smap[self.candidates] >= 0]
        return Instance(
            units=self.units[units], unit_names=self.unit_names[units],
            population=self.population[units], area_km2=self.area_km2[units],
            group=self.group[units], group_names=self.group_names,
            adjacency=self.adjacency[units][:, units].tocsr(),
            settlement_ids=self.settlement_ids[S], settlement_names=self.settlement_names[S],
            settlement_unit=umap[self.settlement_unit[S]], settlement_pop=self.settlement_pop[S],
            minutes=self.minutes[np.ix_(S, S)], km=None if self.km is None else
            self.km[np.ix_(S, S)], flows=self.flows[units][:, units].tocsr(),
            eligible=self.eligible[S], candidates=smap[cands],
            official_centre=smap[self.official_centre[units]], criteria=crit,
            services={k: v[S] for k, v in self.services.items()},
            provenance=self.provenance,
            norm={"population": self.norm_population, "units": self.norm_units,
                  "flow": self.norm_flow, "balance": self.norm_balance},
            balance_values=None if self.balance_values is None else self.balance_values[units])

    @cached_property
    def unit_matrix(self) -> sp.csr_matrix:
        """Settlement x municipality membership (0/1)."""
        m = len(self.settlement_unit)
        return sp.csr_matrix((np.ones(m), (np.arange(m), self.settlement_unit)),
                             shape=(m, self.n))

    @cached_property
    def cand_unit(self) -> np.ndarray:
        return self.settlement_unit[self.candidates]

    @cached_property
    def cost(self) -> np.ndarray:
        """cost[u, c]: person-minutes from municipality u's settlements to candidate c."""
        t = self.minutes[:, self.candidates].astype(float)
        w = self.settlement_pop[:, None] * np.where(np.isfinite(t), t, 0.0)
        return np.asarray(self.unit_matrix.T @ w)

    def _unit_max(self, M: np.ndarray) -> np.ndarray:
        t = M[:, self.candidates]
        out = np.full((self.n, len(self.candidates)), -np.inf, dtype=np.float32)
        np.maximum.at(out, self.settlement_unit, t)
        return out

    def settlement_limits(self, kind: str) -> np.ndarray | None:
        """Per-settlement travel limit ('minutes' or 'km'): the criterion's, or with
        ``keep_current_access`` the larger of it and today's travel to the current centre."""
        c = self.criteria
        limit = c.max_minutes if kind == "minutes" else c.max_km
        M = self.minutes if kind == "minutes" else self.km
        if limit is None or M is None:
            return None
        out = np.full(len(self.settlement_unit), float(limit))
        if c.keep_current_access:
            cur = self.official_centre[self.settlement_unit]
            now = M[np.arange(len(cur)), cur].astype(float)
            out = np.maximum(out, np.where(np.isfinite(now), now, out))
        return out

    def _excess(self, kind: str) -> np.ndarray | None:
        lim = self.settlement_limits(kind)
        if lim is None:
            return None
        M = self.minutes if kind == "minutes" else self.km
        t = M[:, self.candidates] - lim[:, None].astype(np.float32)
        out = np.full((self.n, len(self.candidates)), -np.inf, dtype=np.float32)
        np.maximum.at(out, self.settlement_unit, t)
        return out

    @cached_property
    def max_minutes(self) -> np.ndarray:
        """Longest travel (minutes) from any settlement of municipality u to candidate c."""
        return self._unit_max(self.minutes)

    @cached_property
    def max_km(self) -> np.ndarray | None:
        return None if self.km is None else self._unit_max(self.km)

    def group_ok(self, unit_groups: np.ndarray, centre_groups: np.ndarray) -> np.ndarray:
        """Whether a unit of group a may join a centre in group b (broadcasting)."""
        ok = unit_groups == centre_groups
        if self.criteria.stay_within == "none":
            return np.ones(np.broadcast(unit_groups, centre_groups).shape, bool)
        for a, b in self.criteria.cross_border_allowed:
            ia, ib = (np.flatnonzero(self.group_names == x) for x in (a, b))
            for name, found in ((a, ia), (b, ib)):
                if not len(found):
                    raise fail(f"'{name}' in cross_border_allowed is not a "
                               f"{self.criteria.stay_within} of the dataset; known: "
                               f"{', '.join(map(str, self.group_names))}",
                               self.criteria.source, column="cross_border_allowed")
            ok = ok | ((unit_groups == ia[0]) & (centre_groups == ib[0]))
            ok = ok | ((unit_groups == ib[0]) & (centre_groups == ia[0]))
        return ok

    @cached_property
    def allowed(self) -> np.ndarray:
        """allowed[u, c]: municipality u may belong to the unit centred on candidate c."""
        ok = np.isfinite(self.max_minutes)
        for kind in ("minutes", "km"):
            ex = self._excess(kind)
            if ex is not None:
                ok &= ex <= 1e-4
        ok &= self.group_ok(self.group[:, None], self.group[self.cand_unit][None, :])
        return ok

    def pair_indices(self, pairs: tuple[tuple[str, str], ...], what: str) -> np.ndarray:
        """Municipality index pairs for code pairs; unknown codes are an error."""
        index = pd.Index(self.units)
        out = []
        for a, b in pairs:
            ia, ib = index.get_indexer([a, b])
            if ia < 0 or ib < 0:
                bad = a if ia < 0 else b
                raise fail(f"'{bad}' in {what} is not a municipality code of the dataset",
                           self.criteria.source, column=what)
            out.append((ia, ib))
        return np.array(out, dtype=np.int64).reshape(-1, 2)

    @cached_property
    def exempt(self) -> np.ndarray:
        """Municipalities whose new unit need not reach min_population (remote areas)."""
        mask = np.zeros(self.n, bool)
        codes = self.criteria.min_population_exempt
        if codes:
            idx = pd.Index(self.units).get_indexer(list(codes))
            bad = [c for c, i in zip(codes, idx, strict=True) if i < 0]
            if bad:
                raise fail(f"'{bad[0]}' in min_population_exempt is not a municipality code of "
                           "the dataset", self.criteria.source, column="min_population_exempt")
            mask[idx] = True
        if self.criteria.exempt_isolated and self.criteria.min_population is not None:
            mask |= self.reachable_population < self.criteria.min_population
        return mask

    @cached_property
    def reachable_population(self) -> np.ndarray:
        """Per municipality, an upper bound of the population of any unit that can hold it:
        all municipalities that share a possible centre with it under the travel and border
        rules."""
        own = self.allowed[self.cand_unit, np.arange(len(self.candidates))]
        U = (self.allowed & own[None, :]).astype(np.float32)
        reach = (U @ U.T) > 0
        return reach.astype(float) @ self.population

    @cached_property
    def must_merge(self) -> np.ndarray:
        return self.pair_indices(self.criteria.must_merge, "must_merge")

    @cached_property
    def must_not_merge(self) -> np.ndarray:
        return self.pair_indices(self.criteria.must_not_merge, "must_not_merge")

    @cached_property
    def total_flow(self) -> float:
        return float(self.flows.sum())

    def balance_target(self) -> float:
        w = self.criteria.weights
        if w.balance_target is not None:
            return float(w.balance_target)
        total = float(self.bal.sum())
        if self.criteria.max_units is not None:
            return total / self.criteria.max_units
        if self.criteria.min_population:
            return total / max(self.total_population / (2.0 * self.criteria.min_population), 1)
        return total / max(self.n, 1)

    def region_cost(self, members: np.ndarray, cand: int) -> float:
        """The objective contribution of one new unit (members, centred on candidate cand)."""
        w = self.criteria.weights
        P = self.norm_population
        val = w.travel * self.cost[members, cand].sum() / (P * 60.0)
        if w.coherence and self.norm_flow > 0:
            val -= w.coherence * self.flows[members][:, members].sum() / self.norm_flow
        if w.balance:
            val += (w.balance * abs(self.bal[members].sum() - self.balance_target())
                    / self.norm_balance)
        val += w.units / self.norm_units
        return float(val)

    def constant_cost(self) -> float:
        """The objective of a plan is ``constant_cost() + sum of region_cost`` over units."""
        w = self.criteria.weights
        return float(w.coherence) if (w.coherence and self.norm_flow > 0) else 0.0

    def objective(self, plan: Plan) -> float:
        """The weighted objective of a plan (lower is better), from settlement-level data."""
        terms = objective_terms(self, plan)
        w = self.criteria.weights
        return (w.travel * terms["travel_hours"] + w.coherence * terms["outside_flow_share"]
                + w.balance * terms["imbalance"] + w.units * terms["unit_share"])

    def choose_centre(self, members: np.ndarray) -> int:
        """The best allowed candidate centre of a set of municipalities (lowest region cost),
        else the current centre of the most populous one (a settlement index)."""
        cands = np.flatnonzero(np.isin(self.cand_unit, members))
        ok = cands[self.allowed[np.ix_(members, cands)].all(axis=0)] if len(cands) else cands
        if len(ok):
            best = min(ok, key=lambda c: self.region_cost(members, int(c)))
            return int(self.candidates[best])
        return int(self.official_centre[members[np.argmax(self.population[members])]])

    def candidate_index(self, settlement: int) -> int:
        hit = np.flatnonzero(self.candidates == settlement)
        return int(hit[0]) if len(hit) else -1


def objective_terms(inst: Instance, plan: Plan) -> dict[str, float]:
    """The objective's terms computed from settlement-level arrays (independent of solvers)."""
    P = inst.norm_population
    unit_of_s = plan.labels[inst.settlement_unit]
    centre_of_s = plan.centres[unit_of_s]
    t = inst.minutes[np.arange(len(unit_of_s)), centre_of_s].astype(float)
    travel = float(np.sum(inst.settlement_pop * np.where(np.isfinite(t), t, 0.0)) / (P * 60.0))
    F = inst.flows.tocoo()
    inside = plan.labels[F.row] == plan.labels[F.col]
    share_out = (float(1.0 - F.data[inside].sum() / inst.norm_flow) if inst.norm_flow > 0
                 else 0.0)
    ubal = np.bincount(plan.labels, weights=inst.bal, minlength=plan.n_units)
    imbalance = float(np.abs(ubal - inst.balance_target()).sum() / inst.norm_balance)
    return {"travel_hours": travel, "outside_flow_share": share_out, "imbalance": imbalance,
            "unit_share": plan.n_units / inst.norm_units}


def polygon_adjacency(geoms: np.ndarray, tolerance: float = ADJACENCY_TOLERANCE_M
                      ) -> sp.csr_matrix:
    """Symmetric adjacency of polygons (metric CRS) within ``tolerance`` metres of each other."""
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="dwithin", distance=tolerance)
    keep = i != j
    n = len(geoms)
    A = sp.csr_matrix((np.ones(keep.sum(), bool), (i[keep], j[keep])), shape=(n, n))
    return ((A + A.T) > 0).tocsr()


def read_times(times: pd.DataFrame, sid_index: pd.Index, file: str
               ) -> tuple[np.ndarray, np.ndarray | None]:
    """Dense settlement x settlement minutes (and km) from the long table; inf when unknown.

    A pair given in one direction only is used for both directions.
    """
    missing = [c for c in ("origin", "destination", "minutes") if c not in times.columns]
    if missing:
        raise fail(f"the travel-time table lacks the column(s) {', '.join(missing)}; expected "
                   "origin, destination, minutes, km, mode", file)
    problems: list[Problem] = []
    rows = (times[SOURCE_ROW].to_numpy() if SOURCE_ROW in times.columns
            else np.arange(1, len(times) + 1))
    o = sid_index.get_indexer(times["origin"].astype(str))
    d = sid_index.get_indexer(times["destination"].astype(str))
    for col, idx in (("origin", o), ("destination", d)):
        for r in np.flatnonzero(idx < 0)[:20]:
            problems.append(Problem(f"'{times[col].iloc[r]}' is not a settlement id of the "
                                    "dataset", file, int(rows[r]), col))
    mins = pd.to_numeric(times["minutes"], errors="coerce").to_numpy(float)
    for r in np.flatnonzero(~(mins >= 0))[:20]:
        problems.append(Problem(f"'{times['minutes'].iloc[r]}' is not a non-negative number "
                                "of minutes", file, int(rows[r]), "minutes"))
    if problems:
        raise InputError(problems)
    m = len(sid_index)
    out = []
    for col in ("minutes", "km"):
        if col not in times.columns:
            out.append(None)
            continue
        v = pd.to_numeric(times[col], errors="coerce").to_numpy(float)
        M = np.full((m, m), np.inf, dtype=np.float32)
        M[d, o] = v  # reverse direction first, overwritten by the given direction
        M[o, d] = v
        M[np.isnan(M)] = np.inf
        np.fill_diagonal(M, 0.0)
        out.append(M)
    return out[0], out[1]


def read_times_file(path: str | Path) -> pd.DataFrame:
    """Read a travel-time table with the one validated reader, ``flows.gravity.read_times``."""
    from aimak.flows.gravity import read_times as read_validated

    return read_validated(path)
