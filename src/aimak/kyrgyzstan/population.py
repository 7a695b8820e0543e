"""Settlement populations: every dated figure available, the rest estimated from rayon totals.

Dated figures (the National Statistical Committee's census 2009 or yearly estimates, as cited by
Wikipedia; the 2018 urban total of a rayon or city with a single urban settlement) are kept with
their year and source and marked ``official``. The remaining settlements are ``estimated``: the
2018 rural (or urban) total of their rayon, minus the dated figures there, is shared among them in
proportion to a weight. The weight is the settlement's own undated figure where GeoNames or
SimpleMaps give one and it passes a plausibility check against its rayon (``check_hints``),
otherwise the typical size of its role (ayil aimak centre / other village): the median of the
whole country's dated figures of that role, in its oblast where the oblast has at least
``MIN_DATED_OBLAST`` of them (``TypicalSizes``). Neither depends on what was built, so a
one-oblast build gives the same figures as the national one. No estimated village gets fewer
than ``ESTIMATE_FLOOR`` inhabitants. Rayon sums then equal the totals whenever dated figures do
not exceed them; conflicts are reported, never hidden.

Where a rayon has a newer census or NSC estimate of its total (``rayon_population_census.csv``),
that total replaces the 2018 one (the 2018 urban figure is kept, the villages share the rest);
each rayon's ``year`` and ``ref`` say which total was used. Where an ayil aimak's own total is
known (``ayil_aimak_population_2009_2021.csv``), the settlements of that ayil aimak share that
total instead of the rayon's: the split among villages stays estimated, but it now sums to the
official ayil aimak figure, and ``population_ref`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TOTALS_REF = "NSC 2018 rayon population (OCHA COD-PS)"
#: ``population_basis``: how each figure was obtained, as a code the reports and pages translate.
POPULATION_BASES = ("census", "nsc_estimate", "nsc_table", "urban_total", "rayon_share",
                    "aa_share", "face_value")
#: Below this many inhabitants per estimated settlement a pool is treated as a conflict of sources.
MIN_ESTIMATE = 50.0
#: No estimated village gets fewer inhabitants (an assumption: the smallest dated village of the
#: sources has 132; the classifier lists hamlets of a few dozen people, none of zero).
ESTIMATE_FLOOR = 50.0
#: Fewest dated figures of a role in an oblast for the oblast's own median (else the country's).
MIN_DATED_OBLAST = 5
#: Fewest dated figures of a role in the country for a median at all (else equal weights).
MIN_DATED = 3
#: An undated figure above this share of its rayon's total is taken for a rayon-level figure (an
#: assumption: the largest dated village of a rayon in the sources holds 14 % of its rayon).
HINT_MAX_SHARE = 0.25
#: Two figures closer than this (relative) are "equal" (a rayon total copied onto its centre).
SAME_FIGURE = 0.005
#: How ``population_ref`` begins for a figure shared out of a known ayil aimak total.
CONSTRAINED_PREFIX = "share of the ayil aimak total"
_ROLE = {True: "ayil aimak centres", False: "villages"}


@dataclass
class TypicalSizes:
    """Median dated population by role (ayil aimak centre or not), by oblast where known.

    Built from the whole country's dated village figures (``from_dated``), never from the
    settlements of one build, so that the estimates do not depend on the build's scope.
    """

    national: dict[bool, float]
    by_oblast: dict[tuple[str, bool], float] = field(default_factory=dict)
    counts: dict[bool, int] = field(default_factory=dict)

    @classmethod
    def from_dated(cls, dated: pd.DataFrame) -> TypicalSizes:
        """``dated``: one row per dated village with ``population``, ``centre`` (bool) and
        ``oblast_code``."""
        national, by_oblast, counts = {}, {}, {}
        for centre in (True, False):
            values = dated.loc[dated["centre"] == centre]
            counts[centre] = len(values)
            national[centre] = (float(values["population"].median())
                                if len(values) >= MIN_DATED else np.nan)
            for oblast, part in values.groupby("oblast_code"):
                if len(part) >= MIN_DATED_OBLAST:
                    by_oblast[(str(oblast), centre)] = float(part["population"].median())
        if np.isnan(national[True]) or np.isnan(national[False]):
            national, by_oblast = {True: 1.0, False: 1.0}, {}
        return cls(national, by_oblast, counts)

    def weight(self, oblast: object, centre: bool) -> tuple[float, str]:
        """The typical size and the words saying which median it is."""
        key = (str(oblast), bool(centre))
        if key in self.by_oblast:
            return self.by_oblast[key], f"median dated size of {_ROLE[bool(centre)]} in the oblast"
        if self.national[True] == 1.0 and self.national[False] == 1.0:
            return 1.0, "equal weights (too few dated villages for a typical size)"
        return (self.national[bool(centre)],
                f"median dated size of {_ROLE[bool(centre)]} in the country")


def typical_sizes(frame: pd.DataFrame) -> TypicalSizes:
    """Typical sizes from the dated villages of ``frame`` (``pop_official``, ``kind``,
    ``is_centre`` and, where present, ``oblast_code``)."""
    dated = frame[frame["pop_official"].notna() & (frame["kind"] == "village")]
    oblast = dated["oblast_code"] if "oblast_code" in dated.columns else ""
    return TypicalSizes.from_dated(pd.DataFrame({
        "population": dated["pop_official"], "centre": dated["is_centre"].astype(bool),
        "oblast_code": oblast}))


def check_hints(frame: pd.DataFrame, totals: pd.DataFrame,
                known: pd.Series | None = None) -> tuple[pd.Series, list[dict]]:
    """Undated figures (``pop_hint``) that can be a village's own; the others become NaN.

    A figure is a rayon's or a town's, not the village's, when it is above ``HINT_MAX_SHARE`` of
    its rayon's total, equals (within ``SAME_FIGURE``) the rayon's total, urban or rural figure
    or a known town total (``known``), or is given to two places of the rayon. Each one dropped
    is reported (kind ``implausible_figure``) with its reason.
    """
    hint = frame["pop_hint"].astype(float).copy()
    notes: list[dict] = []
    known_values = (np.asarray(known.dropna(), float) if known is not None
                    else np.array([], float))
    for rayon, group in frame[hint.notna()].groupby("rayon_code"):
        values = hint[group.index]
        repeated = values.duplicated(keep=False)
        t = totals.loc[rayon] if rayon in totals.index else None
        for i, v in values.items():
            why = None
            if t is not None:
                sums = [float(t[c]) for c in ("total", "urban", "rural") if pd.notna(t[c])]
                if any(abs(v - s) <= SAME_FIGURE * max(s, 1) for s in sums):
                    why = "equals a total of its rayon"
                elif v > HINT_MAX_SHARE * float(t["total"]):
                    why = (f"is more than {100 * HINT_MAX_SHARE:.0f} % of its rayon's total "
                           f"{float(t['total']):,.0f}")
            town_total = len(known_values) and np.any(np.abs(known_values - v) <= SAME_FIGURE * v)
            if why is None and town_total and frame.at[i, "kind"] == "village":
                why = "equals a town's total"
            if why is None and repeated[i]:
                why = "is given to another place of the rayon too"
            if why:
                hint[i] = np.nan
                notes.append({"kind": "implausible_figure", "subject": str(frame.at[i, "id"]),
                              "count": round(v),
                              "message": f"the undated figure {v:,.0f} {why}: it is taken for a "
                                         "rayon or town figure, not the village's, and the "
                                         "typical size is used instead"})
    return hint, notes


def estimate_populations(frame: pd.DataFrame, totals: pd.DataFrame,
                         municipal: pd.DataFrame | None = None,
                         typical: TypicalSizes | None = None
                         ) -> tuple[pd.DataFrame, list[dict]]:
    """Fill population columns; return the frame and notes about conflicts.

    ``frame`` needs ``id, kind, is_centre, rayon_code, pop_official, pop_year, pop_ref,
    pop_hint, pop_hint_ref`` (and ``municipality_code`` when ``municipal`` is given);
    ``totals`` is indexed by rayon code with ``total, urban, rural`` and optionally ``year``
    and ``ref`` (default 2018 and :data:`TOTALS_REF`). ``municipal``, indexed by municipality
    code with ``total, year, ref``, constrains the settlements of those municipalities to sum
    to their total; the rest of the rayon shares what the rayon total leaves. ``typical``
    gives the weights of settlements without a usable undated figure (default: computed from
    the dated villages of ``frame``; the builder passes the whole country's). Undated figures
    are checked first (``check_hints``).
    """
    out = frame.copy()
    out["population"] = out["pop_official"]
    out["population_year"] = out["pop_year"]
    out["population_source"] = np.where(out["pop_official"].notna(), "official", None)
    out["population_ref"] = out["pop_ref"]
    basis = out["pop_basis"] if "pop_basis" in out.columns else pd.Series("nsc", out.index)
    out["population_basis"] = basis.where(out["pop_official"].notna(), None)
    typical = typical or typical_sizes(out)
    hint, notes = check_hints(out, totals)
    oblast = out["oblast_code"] if "oblast_code" in out.columns else pd.Series("", out.index)
    typ = [typical.weight(o, c) for o, c in zip(oblast, out["is_centre"], strict=True)]
    weight = hint.where(hint.notna(), pd.Series([w for w, _ in typ], index=out.index))
    weight_ref = out["pop_hint_ref"].where(hint.notna(),
                                           pd.Series([r for _, r in typ], index=out.index))
    urban = out["kind"].isin(["town", "city"])
    constrained = pd.Index([])
    if municipal is not None and len(municipal):
        constrained = _share_municipal_totals(out, municipal, weight, weight_ref, notes)

    for rayon, group in out.groupby("rayon_code"):
        if rayon not in totals.index:
            notes.append({"kind": "warning", "subject": rayon, "count": len(group),
                          "message": "no 2018 population total for this rayon or city; its "
                                     "undated settlements keep their weights (undated figures "
                                     "or typical sizes) as 2018 estimates"})
            pools = [(group.index[out.loc[group.index, "population"].isna()], np.nan)]
        else:
            t = totals.loc[rayon]
            year = int(t["year"]) if "year" in t.index and pd.notna(t["year"]) else 2018
            totals_ref = (str(t["ref"]) if "ref" in t.index and isinstance(t["ref"], str)
                          else TOTALS_REF)
            free = group.index.difference(constrained)
            u_idx = group.index[urban[group.index]]
            unknown_u = u_idx[out.loc[u_idx, "population"].isna()]
            if len(u_idx) == 1 and len(unknown_u) == 1 and t["urban"] > 0:
                i = unknown_u[0]
                out.loc[i, ["population", "population_year"]] = [float(t["urban"]), 2018]
                out.loc[i, "population_source"] = "official"
                out.loc[i, "population_ref"] = f"{TOTALS_REF}: urban population"
                out.loc[i, "population_basis"] = "urban_total"
                unknown_u = unknown_u[:0]
            pool_u = t["urban"] - out.loc[u_idx, "population"].sum()
            r_idx = group.index[~urban[group.index]]
            pool_r = t["rural"] - out.loc[r_idx, "population"].sum()
            if len(unknown_u) == 0 and abs(pool_u) > 0.5:
                pool_r += pool_u
                notes.append({"kind": "note", "subject": rayon, "count": round(pool_u),
                              "message": f"the 2018 urban total differs by {pool_u:+,.0f} "
                                         "people from the dated figures of its towns; the "
                                         "difference is carried into the villages' estimates"})
            unknown_r = r_idx[out.loc[r_idx, "population"].isna()]
            if len(unknown_r) == 0 and abs(pool_r) > 0.5 and len(unknown_u):
                pool_u, pool_r = pool_u + pool_r, 0.0
            elif len(unknown_r) == 0 and abs(pool_r) > 0.5 and len(free):
                _absorb(out, free, pool_r, rayon, notes, totals_ref)
            elif len(unknown_r) == 0 and abs(pool_r) > 0.5:
                notes.append({"kind": "note", "subject": rayon, "count": round(pool_r),
                              "message": f"its ayil aimak totals differ by {-pool_r:+,.0f} "
                                         f"people from the rayon total ({totals_ref}); the "
                                         "ayil aimak totals are kept"})
            pools = [(unknown_u, pool_u), (unknown_r, pool_r)]
        for idx, pool in pools:
            if len(idx) == 0:
                continue
            w = weight[idx].to_numpy(float)
            if np.isnan(pool):
                values = w
                ref = ("{}, taken at face value as the 2018 estimate (the sources have no "
                       "2018 total for its rayon or city)")
            else:
                if pool < MIN_ESTIMATE * len(idx):
                    notes.append({"kind": "warning", "subject": rayon, "count": len(idx),
                                  "message": f"the {year} total leaves {max(pool, 0):,.0f} people "
                                             "for these settlements after the dated figures; "
                                             "they are probably counted within a neighbouring "
                                             "town"})
                values = _floored(max(pool, 0.0) * w / w.sum(), out.loc[idx, "kind"])
                ref = f"{totals_ref} less dated figures, shared by weight ({{}})"
            out.loc[idx, "population"] = _round_keeping_sum(values)
            out.loc[idx, "population_year"] = year if not np.isnan(pool) else 2018
            out.loc[idx, "population_source"] = "estimated"
            out.loc[idx, "population_ref"] = [ref.format(r) for r in weight_ref[idx]]
            out.loc[idx, "population_basis"] = "face_value" if np.isnan(pool) else "rayon_share"
    out["population_year"] = out["population_year"].astype("Int64")
    return out, notes


def _share_municipal_totals(out: pd.DataFrame, municipal: pd.DataFrame, weight: pd.Series,
                            weight_ref: pd.Series, notes: list[dict]) -> pd.Index:
    """Share each known municipal total among its undated settlements; return their rows.

    Dated settlements keep their figures and are subtracted from the total first. The shared
    figures stay ``estimated`` (the split is), with the total's year and a reference naming the
    total and the weight.
    """
    done = []
    for code, t in municipal.iterrows():
        idx = out.index[out["municipality_code"] == code]
        if len(idx) == 0:
            notes.append({"kind": "note", "subject": code, "count": round(float(t["total"])),
                          "message": f"its total ({t['ref']}) is not used: no settlement of "
                                     "the dataset is in it"})
            continue
        done.extend(idx)
        unknown = idx[out.loc[idx, "population"].isna()]
        pool = float(t["total"]) - float(out.loc[idx, "population"].sum())
        if len(unknown) == 0:
            if abs(pool) > 0.5:
                notes.append({"kind": "note", "subject": code, "count": round(pool),
                              "message": f"the dated figures of its settlements differ by "
                                         f"{-pool:+,.0f} from its total ({t['ref']})"})
            continue
        if pool < MIN_ESTIMATE * len(unknown):
            notes.append({"kind": "warning", "subject": code, "count": len(unknown),
                          "message": f"its total ({t['ref']}) leaves {max(pool, 0):,.0f} "
                                     "people for its undated settlements after the dated "
                                     "figures"})
        w = weight[unknown].to_numpy(float)
        values = _floored(max(pool, 0.0) * w / w.sum(), out.loc[unknown, "kind"])
        out.loc[unknown, "population"] = _round_keeping_sum(values)
        out.loc[unknown, "population_year"] = int(t["year"])
        out.loc[unknown, "population_source"] = "estimated"
        out.loc[unknown, "population_basis"] = "aa_share"
        out.loc[unknown, "population_ref"] = [
            f"{CONSTRAINED_PREFIX} {float(t['total']):,.0f} ({t['ref']}) less dated "
            f"figures, split among its settlements by weight ({r})" for r in weight_ref[unknown]]
    return pd.Index(done)


def _absorb(out: pd.DataFrame, idx: pd.Index, extra: float, rayon: str,
            notes: list[dict], totals_ref: str = TOTALS_REF) -> None:
    """Add inhabitants that have no located settlement to the unit's largest settlement.

    Happens when a rayon's rural population lives only in classifier villages that have no
    coordinates: the people exist, so they are kept, and the receiving figure becomes estimated.
    """
    i = out.loc[idx, "population"].astype(float).idxmax()
    base = float(out.at[i, "population"])
    out.at[i, "population"] = round(base + extra)
    out.at[i, "population_source"] = "estimated"
    out.at[i, "population_basis"] = "rayon_share"
    out.at[i, "population_ref"] = (f"{out.at[i, 'population_ref']} ({base:,.0f}) plus {extra:,.0f}"
                                   " inhabitants of villages without coordinates "
                                   f"({totals_ref})")
    notes.append({"kind": "note", "subject": rayon, "count": round(extra),
                  "message": f"{extra:,.0f} inhabitants of villages without coordinates "
                             "are added to the largest settlement"})


def _floored(values: np.ndarray, kind: pd.Series) -> np.ndarray:
    """Raise estimated villages below ``ESTIMATE_FLOOR`` to it, taking the difference from the
    others in proportion, so that the sum stays (unless the pool cannot give every village the
    floor; the caller has then noted the conflict)."""
    values = np.asarray(values, float).copy()
    village = (kind == "village").to_numpy()
    total = values.sum()
    for _ in range(len(values)):
        low = village & (values < ESTIMATE_FLOOR)
        if not low.any():
            break
        values[low] = ESTIMATE_FLOOR
        rest = ~low & (values > ESTIMATE_FLOOR)
        excess = values.sum() - total
        if not rest.any() or values[rest].sum() - excess < ESTIMATE_FLOOR * rest.sum():
            values[rest] = np.maximum(values[rest], ESTIMATE_FLOOR)
            break
        values[rest] -= excess * values[rest] / values[rest].sum()
    return values


def _round_keeping_sum(values: np.ndarray) -> np.ndarray:
    """Round to whole people so that the rounded values still add up to the rounded total."""
    floor = np.floor(values)
    short = round(values.sum() - floor.sum())
    order = np.argsort(-(values - floor), kind="stable")
    floor[order[:short]] += 1
    return floor
