"""Settlement populations: every dated figure available, the rest estimated from rayon totals.

Dated figures (the National Statistical Committee's census 2009 or yearly estimates, as cited by
Wikipedia; the 2018 urban total of a rayon or city with a single urban settlement) are kept with
their year and source and marked ``official``. The remaining settlements are ``estimated``: the
2018 rural (or urban) total of their rayon, minus the dated figures there, is shared among them in
proportion to a weight. The weight is the settlement's own undated figure where GeoNames or
SimpleMaps give one, otherwise the median dated population of settlements of its role (ayil aimak
centres / other villages) in the oblast. Rayon sums then equal the 2018 totals whenever dated
figures do not exceed them; conflicts are reported, never hidden.

Where a rayon has a newer census or NSC estimate of its total (``rayon_population_census.csv``),
that total replaces the 2018 one (the 2018 urban figure is kept, the villages share the rest);
each rayon's ``year`` and ``ref`` say which total was used. Where an ayil aimak's own total is
known (``ayil_aimak_population_2009_2021.csv``), the settlements of that ayil aimak share that
total instead of the rayon's: the split among villages stays estimated, but it now sums to the
official ayil aimak figure, and ``population_ref`` says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOTALS_REF = "NSC 2018 rayon population (OCHA COD-PS)"
#: Below this many inhabitants per estimated settlement a pool is treated as a conflict of sources.
MIN_ESTIMATE = 50.0
#: How ``population_ref`` begins for a figure shared out of a known ayil aimak total.
CONSTRAINED_PREFIX = "share of the ayil aimak total"


def typical_sizes(frame: pd.DataFrame) -> dict[bool, float]:
    """Median dated population of ayil aimak centres (True) and other villages (False)."""
    dated = frame[frame["pop_official"].notna() & (frame["kind"] == "village")]
    out = {}
    for centre in (True, False):
        values = dated.loc[dated["is_centre"] == centre, "pop_official"]
        out[centre] = float(values.median()) if len(values) >= 3 else np.nan
    if np.isnan(out[True]) or np.isnan(out[False]):
        out = {True: 1.0, False: 1.0}
    return out


def estimate_populations(frame: pd.DataFrame, totals: pd.DataFrame,
                         municipal: pd.DataFrame | None = None
                         ) -> tuple[pd.DataFrame, list[dict]]:
    """Fill population columns; return the frame and notes about conflicts.

    ``frame`` needs ``id, kind, is_centre, rayon_code, pop_official, pop_year, pop_ref,
    pop_hint, pop_hint_ref`` (and ``municipality_code`` when ``municipal`` is given);
    ``totals`` is indexed by rayon code with ``total, urban, rural`` and optionally ``year``
    and ``ref`` (default 2018 and :data:`TOTALS_REF`). ``municipal``, indexed by municipality
    code with ``total, year, ref``, constrains the settlements of those municipalities to sum
    to their total; the rest of the rayon shares what the rayon total leaves.
    """
    out = frame.copy()
    out["population"] = out["pop_official"]
    out["population_year"] = out["pop_year"]
    out["population_source"] = np.where(out["pop_official"].notna(), "official", None)
    out["population_ref"] = out["pop_ref"]
    notes: list[dict] = []
    typical = typical_sizes(out)
    weight = out["pop_hint"].where(out["pop_hint"].notna(),
                                   out["is_centre"].map({True: typical[True],
                                                         False: typical[False]}))
    weight_ref = out["pop_hint_ref"].where(
        out["pop_hint"].notna(),
        out["is_centre"].map({True: "median dated size of ayil aimak centres",
                              False: "median dated size of villages"}))
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
                values = max(pool, 0.0) * w / w.sum()
                ref = f"{totals_ref} less dated figures, shared by weight ({{}})"
            out.loc[idx, "population"] = _round_keeping_sum(values)
            out.loc[idx, "population_year"] = year if not np.isnan(pool) else 2018
            out.loc[idx, "population_source"] = "estimated"
            out.loc[idx, "population_ref"] = [ref.format(r) for r in weight_ref[idx]]
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
        values = max(pool, 0.0) * w / w.sum()
        out.loc[unknown, "population"] = _round_keeping_sum(values)
        out.loc[unknown, "population_year"] = int(t["year"])
        out.loc[unknown, "population_source"] = "estimated"
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
    out.at[i, "population_ref"] = (f"{out.at[i, 'population_ref']} ({base:,.0f}) plus {extra:,.0f}"
                                   " inhabitants of villages without coordinates "
                                   f"({totals_ref})")
    notes.append({"kind": "note", "subject": rayon, "count": round(extra),
                  "message": f"{extra:,.0f} inhabitants of villages without coordinates "
                             "are added to the largest settlement"})


def _round_keeping_sum(values: np.ndarray) -> np.ndarray:
    """Round to whole people so that the rounded values still add up to the rounded total."""
    floor = np.floor(values)
    short = round(values.sum() - floor.sum())
    order = np.argsort(-(values - floor), kind="stable")
    floor[order[:short]] += 1
    return floor
