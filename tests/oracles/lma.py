"""A plain-Python version of the R package ``LabourMarketAreas`` (``findClusters``): the oracle
of ``aimak.zones.lma`` (tests) and the baseline of ``benchmarks/bench_zones.py``.

It follows the R rules step by step with dictionaries and R-style zone ids (positive zones, 0 for
the reserve list, negative ids for units being dissolved), recomputing every zone total from the
flows at each step; it shares no code with ``aimak.zones.lma``.
"""

from __future__ import annotations

from collections import defaultdict


def _validity(S: float, R: float, W: float, p: tuple[float, float, float, float]) -> float:
    minSZ, tarSZ, minSC, tarSC = p
    msc = min(S / R, S / W)
    if msc == 1:
        return 1.0
    Y = min(msc / tarSC, 1.0) if msc / tarSC > 1 else msc / tarSC
    size = (tarSZ - R) / (tarSZ - minSZ)
    size = 0.0 if size < 0 else size
    Z = 1 - ((1 - (minSC / tarSC)) * size)
    return Y * Z * (tarSC / minSC)


def naive_lma(n: int, flows: dict[tuple[int, int], float], min_size: float, target_size: float,
              min_sc: float, target_sc: float, r_compat: bool = True) -> list[int]:
    """Plain-Python LMA with the R data model; returns a zone id per unit (canonical order)."""
    p = (min_size, target_size, min_sc, target_sc)
    flows = {k: v for k, v in flows.items() if v > 0}
    # units left out [zero.list]
    kept = set(range(n))
    while True:
        res, wor, own = defaultdict(float), defaultdict(float), defaultdict(float)
        for (i, j), v in flows.items():
            if i in kept and j in kept:
                res[i] += v
                wor[j] += v
                if i == j:
                    own[i] = v
        bad = {u for u in kept if res[u] == 0 or wor[u] == 0
               or (own[u] == res[u] and own[u] == wor[u])}
        if not bad:
            break
        kept -= bad
    flows = {(i, j): v for (i, j), v in flows.items() if i in kept and j in kept}
    res_u, wor_u = defaultdict(float), defaultdict(float)
    for (i, j), v in flows.items():
        res_u[i] += v
        wor_u[j] += v
    cl = {u: u + 1 for u in sorted(kept)}

    def totals() -> tuple[dict, dict, dict]:
        R, W, S = defaultdict(float), defaultdict(float), defaultdict(float)
        for (i, j), v in flows.items():
            R[cl[i]] += v
            W[cl[j]] += v
            if cl[i] == cl[j]:
                S[cl[i]] += v
        return R, W, S

    def rows(dirty: tuple[int, list[int]] | None) -> dict[int, list[float]]:
        R, W, S = totals()
        out = {}
        for c in sorted(set(cl.values()) - {0}):
            if dirty is not None and c == dirty[0]:
                members = dirty[1]
                inside = [v for (i, j), v in flows.items() if i in members and j in members]
                inside = inside or [0.0]
                out[c] = [_validity(s, res_u[a], wor_u[a], p) for a in members for s in inside]
            else:
                out[c] = [_validity(S[c], R[c], W[c], p)]
        return out

    def least(vals: dict[int, list[float]]) -> tuple[int, float]:
        best, bv = 0, 1.0
        for c in sorted(vals):
            for v in vals[c]:
                if v < bv:
                    best, bv = c, v
        if bv == 1.0:  # a real zone at exactly 1 comes before R's dummy zone 0
            for c in sorted(vals):
                if 1.0 in vals[c]:
                    return c, 1.0
        return best, bv

    def most_cohesive(d: int, allowed) -> int | None:
        R, W, _ = totals()
        out_f, in_f = defaultdict(float), defaultdict(float)
        for (i, j), v in flows.items():
            if i == d and j != d and allowed(cl[j]):
                out_f[cl[j]] += v
            elif j == d and i != d and allowed(cl[i]):
                in_f[cl[i]] += v
        order = sorted(in_f) + sorted(c for c in out_f if c not in in_f)
        best, bs = None, -1.0
        for c in order:
            s = 0.0
            if out_f[c] > 0:
                s += out_f[c] / res_u[d] * out_f[c] / W[c]
            if in_f[c] > 0:
                s += in_f[c] / R[c] * in_f[c] / wor_u[d]
            if s >= bs:
                best, bs = c, s
        return best

    def zone_validity(c: int) -> float:
        R, W, S = totals()
        return _validity(S[c], R[c], W[c], p)

    dirty = None
    it = 0
    while True:
        vals = rows(dirty)
        L, v = least(vals)
        if not v < 1:
            break
        it += 1
        dirty = None
        members = sorted(u for u in cl if cl[u] == L)
        if len(members) == 1:
            d = members[0]
            cl[d] = -1
            c = most_cohesive(d, lambda z: z > 0)
            if c is None:
                cl[d] = 0
                continue
            cl[d] = c
            if not zone_validity(c) >= max(vals[c]):
                cl[d] = 0
            continue
        mset = set(members)
        score = {}
        for u in members:
            inflow = sum(v for (i, j), v in flows.items() if j == u and i not in mset)
            score[u] = inflow + res_u[u] - flows.get((u, u), 0.0)
        ordered = sorted(members, key=lambda u: -score[u])
        for pos, u in enumerate(members):
            cl[u] = -(pos + 1)
        first = ordered[0]
        c = most_cohesive(first, lambda z: z > 0)
        if c is not None:
            cl[first] = c
            if not zone_validity(c) >= max(vals[c]):
                cl[first] = 0
            rest = [u for u in members if u != first]
            for u in rest:
                cl[u] = L
            if r_compat:
                dirty = (L, rest)
            continue
        cl[first] = 0
        for _ in range(len(members) - 1):
            vals2 = rows(None)
            idx, _ = least(vals2)
            if idx == 0:
                continue
            if idx < 0:
                (u,) = [w for w in cl if cl[w] == idx]
                c = most_cohesive(u, lambda z: z > 0)
                if c is None:
                    cl[u] = 0
                    continue
                cl[u] = c
                if not zone_validity(c) >= vals2[c][0]:
                    cl[u] = 0
                continue
            zone = {w for w in cl if cl[w] == idx}
            linked = sorted({cl[j] if i in zone else cl[i] for (i, j) in flows
                             if (i in zone) != (j in zone)
                             and (cl[j] if i in zone else cl[i]) < 0})
            if not linked:
                for w in zone:
                    cl[w] = 0
                continue
            for w in cl:
                if cl[w] in linked:
                    cl[w] = idx
    # reserve assignment
    pending = sorted((u for u in cl if cl[u] <= 0), reverse=True)
    for u in pending:
        cl[u] = -1 - u
    moved = True
    while moved:
        moved = False
        for u in pending:
            if cl[u] > 0:
                continue
            c = most_cohesive(u, lambda z: z > 0)
            if c is not None:
                cl[u] = c
                moved = True
    final = {}
    out = []
    for u in range(n):
        key = cl.get(u, ("alone", u))
        if isinstance(key, int) and key <= 0:
            key = ("alone", u)
        final.setdefault(key, len(final))
        out.append(final[key])
    return out
