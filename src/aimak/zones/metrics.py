"""How good a zoning is: self-containment, modularity, flow kept inside zones, and agreement
with the municipal map (adjusted Rand index, normalised mutual information, split municipalities).

Every function takes integer zone labels aligned with ``flows.units`` (any integers; they are
renumbered internally). Flows are read as origin = residence, destination = workplace or service:
*supply-side* self-containment of a zone is the share of its residents' flow that stays inside
(internal / residents), *demand-side* the share of the flow arriving in it that comes from
inside (internal / workers).
"""

from __future__ import annotations

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from aimak.zones.flowmatrix import FlowMatrix


def _codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Zone values and 0..k-1 codes for any label array."""
    values, codes = np.unique(np.asarray(labels), return_inverse=True)
    return values, codes.ravel()


def zone_summary(flows: FlowMatrix, labels: np.ndarray) -> pd.DataFrame:
    """Per zone: ``zone, centre, n_units, residents, workers, internal, sc_supply, sc_demand``.

    ``centre`` is the unit receiving the most flow (the R package names its areas after it),
    ``residents`` the flow leaving the zone's units (own-unit flows included), ``workers`` the
    flow arriving, ``internal`` the flow between units of the zone (own-unit included).
    """
    values, codes = _codes(labels)
    A = flows.aggregate(codes) if flows.n else sp.csr_matrix((0, 0))
    R = np.asarray(A.sum(axis=1)).ravel()
    W = np.asarray(A.sum(axis=0)).ravel()
    S = A.diagonal()
    with np.errstate(divide="ignore", invalid="ignore"):
        supply = np.where(R > 0, S / R, np.nan)
        demand = np.where(W > 0, S / W, np.nan)
    inflow = flows.inflow()
    order = np.lexsort((np.arange(flows.n), -inflow, codes))  # by zone, most inflow first
    first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]] if flows.n else order
    return pd.DataFrame({
        "zone": values,
        "centre": flows.units[first],
        "n_units": np.bincount(codes, minlength=len(values)),
        "residents": R,
        "workers": W,
        "internal": S,
        "sc_supply": supply,
        "sc_demand": demand,
    })


def share_inside(flows: FlowMatrix, labels: np.ndarray, own_unit: bool = True) -> float:
    """Share of all flow whose origin and destination lie in the same zone.

    With ``own_unit=False`` flows within a single unit are left out of both numerator and
    denominator: the share of *inter-unit* flow that zones keep inside.
    """
    _, codes = _codes(labels)
    C = flows.T.tocoo()
    keep = np.ones(C.nnz, dtype=bool) if own_unit else C.row != C.col
    total = float(C.data[keep].sum())
    if total == 0:
        return float("nan")
    inside = keep & (codes[C.row] == codes[C.col])
    return float(C.data[inside].sum()) / total


def modularity(flows: FlowMatrix, labels: np.ndarray, directed: bool = True) -> float:
    """Newman-Girvan modularity of the zones on the weighted flow graph (igraph).

    Directed (Leicht-Newman) by default, own-unit flows as self-loops, which equals the R
    package's ``Qmodularity``: trace(F - r c'/m)/m on the zone-by-zone flow matrix F.
    """
    _, codes = _codes(labels)
    C = flows.T.tocoo()
    if C.nnz == 0:
        return float("nan")
    g = ig.Graph(n=flows.n, edges=np.column_stack([C.row, C.col]).tolist(), directed=True)
    return float(g.modularity(codes.tolist(), weights=C.data.tolist(), directed=directed))


def contingency(a: np.ndarray, b: np.ndarray) -> sp.csr_matrix:
    """Sparse contingency table: units in class i of ``a`` and class j of ``b``."""
    _, ca = _codes(a)
    _, cb = _codes(b)
    if len(ca) != len(cb):
        raise ValueError(f"label arrays differ in length: {len(ca)} and {len(cb)}")
    shape = (int(ca.max()) + 1 if len(ca) else 0, int(cb.max()) + 1 if len(cb) else 0)
    M = sp.coo_matrix((np.ones(len(ca)), (ca, cb)), shape=shape).tocsr()
    M.sum_duplicates()
    return M


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """Hubert-Arabie adjusted Rand index of two partitions (1 identical, about 0 random),
    computed by scikit-learn."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(np.asarray(a).astype(str), np.asarray(b).astype(str)))


def normalized_mutual_info(a: np.ndarray, b: np.ndarray) -> float:
    """Mutual information over the arithmetic mean of the two entropies (0..1, 1 identical),
    computed by scikit-learn."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(np.asarray(a).astype(str),
                                              np.asarray(b).astype(str),
                                              average_method="arithmetic"))


def split_municipalities(units: np.ndarray, labels: np.ndarray,
                         municipality: np.ndarray | pd.Series) -> pd.DataFrame:
    """Municipalities whose units fall in more than one zone.

    Columns ``municipality, n_units, n_zones, zones, main_zone_share``: ``zones`` lists the
    zone numbers, ``main_zone_share`` the share of the municipality's units in its largest part.
    Units without a municipality (missing values) are ignored.
    """
    frame = pd.DataFrame({"unit": np.asarray(units), "zone": np.asarray(labels),
                          "municipality": np.asarray(municipality, dtype=object)})
    frame = frame[frame["municipality"].notna()]
    counts = frame.groupby(["municipality", "zone"]).size().rename("n").reset_index()
    grouped = counts.groupby("municipality")
    table = pd.DataFrame({
        "n_units": grouped["n"].sum(),
        "n_zones": grouped["zone"].nunique(),
        "zones": grouped["zone"].agg(lambda z: ", ".join(str(v) for v in sorted(z))),
        "main_zone_share": grouped["n"].max() / grouped["n"].sum(),
    }).reset_index()
    split = table[table["n_zones"] > 1]
    return split.sort_values(["n_zones", "n_units", "municipality"],
                             ascending=[False, False, True]).reset_index(drop=True)


def compare_with_municipalities(units: np.ndarray, labels: np.ndarray,
                                municipality: np.ndarray | pd.Series) -> dict[str, object]:
    """Agreement of zones with municipalities over the units that have one.

    Returns ``n_units`` compared, ``n_without_municipality``, ``n_municipalities``,
    ``adjusted_rand_index``, ``normalized_mutual_info`` and ``split`` (see
    ``split_municipalities``).
    """
    muni = pd.Series(np.asarray(municipality, dtype=object))
    known = muni.notna().to_numpy()
    lab = np.asarray(labels)[known]
    mun = muni[known].astype(str).to_numpy()
    return {
        "n_units": int(known.sum()),
        "n_without_municipality": int((~known).sum()),
        "n_municipalities": len(set(mun)),
        "adjusted_rand_index": adjusted_rand_index(lab, mun) if len(lab) else float("nan"),
        "normalized_mutual_info": normalized_mutual_info(lab, mun) if len(lab) else float("nan"),
        "split": split_municipalities(np.asarray(units)[known], lab, mun),
    }


def summary(flows: FlowMatrix, labels: np.ndarray) -> dict[str, float]:
    """Headline figures of a zoning: zone count and sizes, flow kept inside, modularity,
    and the smallest and median self-containments of its zones."""
    zones = zone_summary(flows, labels)
    sc = np.fmin(zones["sc_supply"].to_numpy(), zones["sc_demand"].to_numpy())
    return {
        "n_units": int(flows.n),
        "n_zones": len(zones),
        "n_single_unit_zones": int((zones["n_units"] == 1).sum()),
        "median_zone_units": float(zones["n_units"].median()) if len(zones) else float("nan"),
        "share_inside": share_inside(flows, labels),
        "share_inside_between_units": share_inside(flows, labels, own_unit=False),
        "modularity": modularity(flows, labels),
        "min_self_containment": float(np.nanmin(sc)) if np.isfinite(sc).any() else float("nan"),
        "median_self_containment": float(np.nanmedian(sc)) if np.isfinite(sc).any()
        else float("nan"),
    }
