"""Modelled flows where no survey exists: a Huff (production-constrained gravity) model.

The probability that a resident of origin i uses destination j is

    P_ij = A_j^alpha f(t_ij) / sum_k A_k^alpha f(t_ik),

with A_j the attractiveness of j (weighted facility counts plus population, see
``attractiveness``), t_ij the travel time in minutes and f the distance decay: exponential,
f(t) = exp(-beta t), or power, f(t) = (1 + t)^-beta. Each origin sends ``trip_rate`` trips per
inhabitant (1 by default, so flows count people choosing a destination). The choice set of an
origin is every destination with a travel time (within ``max_minutes``) plus the origin itself at
``intra_minutes``.

When observed flows exist, even for some origins only, ``beta`` and ``alpha`` are calibrated by
maximum likelihood: the model is a multinomial logit in (beta, alpha), so the log-likelihood
sum O_ij log P_ij is concave and L-BFGS-B finds its maximum; standard errors come from the exact
Hessian, sum_i O_i Cov_i(x) with x = (-t or -log(1 + t), log A), and treat each unit of observed
flow as an independent choice. Otherwise the documented defaults are used. Every modelled flow is
labelled ``source = 'modelled'``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from sklearn.base import BaseEstimator

from aimak.errors import InputError, Problem, fail
from aimak.schema import FACILITY_TYPES, Column, Schema, validate

#: Default attraction points per facility, by type. A judgement default (not calibrated): points
#: roughly follow the order of the service (how far people travel for it), from 1 for everyday
#: services found in most villages to 10 for the rayon hospital and administration. Only the
#: relative sizes matter, and ``alpha`` scales their overall effect.
DEFAULT_WEIGHTS: dict[str, float] = {
    "hospital": 10.0,
    "clinic": 5.0,
    "feldsher_post": 1.0,
    "pharmacy": 1.0,
    "dentist": 1.0,
    "laboratory": 2.0,
    "other_health": 1.0,
    "school": 2.0,
    "kindergarten": 1.0,
    "market": 5.0,
    "bank": 3.0,
    "post_office": 2.0,
    "ayil_okmotu": 5.0,
    "rayon_administration": 10.0,
}
#: Facility types that make a destination attractive for each surveyed service
#: (``aimak.flows.survey.SERVICES``); work has none, so only population counts for it.
SERVICE_FACILITIES: dict[str, tuple[str, ...]] = {
    "health": (
        "hospital",
        "clinic",
        "feldsher_post",
        "pharmacy",
        "dentist",
        "laboratory",
        "other_health",
    ),
    "school": ("school",),
    "market": ("market",),
    "bank": ("bank",),
    "post": ("post_office",),
    "ayil_okmotu": ("ayil_okmotu",),
    "rayon_administration": ("rayon_administration",),
    "work": (),
}
#: Default attraction points per 1,000 inhabitants (shops, work and services not mapped).
DEFAULT_POPULATION_WEIGHT = 1.0
#: Default exponential decay per minute when nothing can be calibrated (an assumption: the
#: weight halves every 7 minutes of travel); calibrate on observed flows whenever possible.
DEFAULT_BETA = 0.1
DEFAULT_ALPHA = 1.0
#: Range searched for beta and alpha when calibrating; an estimate on a bound means the observed
#: flows do not determine that parameter (reported in ``fit_['at_bound']``).
PARAMETER_BOUNDS = (0.0, 10.0)

TIMES = Schema(
    "travel_times",
    (
        Column("origin", "str", "settlement id of origin"),
        Column("destination", "str", "settlement id of destination"),
        Column("minutes", "float", "travel time in minutes", minimum=0),
        Column("km", "float", "distance in kilometres", nullable=True, required=False, minimum=0),
        Column(
            "mode",
            "str",
            "terrain, roads or straight",
            required=False,
            choices=("terrain", "roads", "straight"),
        ),
    ),
    doc="Travel times between settlements (long form).",
)


def read_times(path: str | Path, mode: str | None = None) -> pd.DataFrame:
    """Read and validate a travel-time table (Parquet, CSV or XLSX): ``origin, destination,
    minutes``; the one reader of every command (``flows model``, ``amalgamate``, ``evaluate``).

    Minutes and km must be finite and non-negative. With several modes in the file, ``mode``
    picks one; a pair given twice is an error (not "the last row wins").
    """
    from aimak.io import read_table

    path = Path(path)
    if not path.exists():
        raise fail("the travel-time file does not exist", path)
    df = read_table(path)
    if len(df) == 0:
        raise fail("the table has a header but no rows; expected travel times", path)
    clean = validate(df, TIMES, file=path.name)
    if mode is not None:
        if "mode" not in clean.columns:
            raise fail(f"the file has no 'mode' column, so mode '{mode}' cannot be chosen", path)
        clean = clean[clean["mode"] == mode]
        if clean.empty:
            raise fail(f"the file has no travel times for mode '{mode}'", path, column="mode")
    dup = clean.duplicated(["origin", "destination"], keep=False)
    if dup.any():
        first = clean[dup].iloc[0]
        modes = sorted(set(clean["mode"].dropna())) if "mode" in clean.columns else []
        hint = f"; choose one mode of {', '.join(modes)}" if len(modes) > 1 else ""
        raise fail(
            f"{int(dup.sum())} rows repeat an origin-destination pair, e.g. "
            f"'{first['origin']}' to '{first['destination']}'{hint}",
            path,
        )
    return clean.reset_index(drop=True)


def attractiveness(
    counts: pd.DataFrame,
    population: pd.Series,
    weights: dict[str, float] | None = None,
    population_weight: float = DEFAULT_POPULATION_WEIGHT,
) -> pd.Series:
    """A_j = sum_t w_t n_jt + population_weight * population_j / 1000 (points).

    ``counts`` is a settlement x facility-type table (see ``centres.facility_counts``);
    ``population`` is indexed like its rows.
    """
    weights = DEFAULT_WEIGHTS if weights is None else weights
    unknown = set(weights) - set(FACILITY_TYPES)
    if unknown:
        raise ValueError(f"unknown facility types in weights: {', '.join(sorted(unknown))}")
    w = np.array([float(weights.get(t, 0.0)) for t in counts.columns])
    pop = population.reindex(counts.index).fillna(0.0).to_numpy(float)
    values = counts.to_numpy(float) @ w + population_weight * pop / 1000.0
    return pd.Series(values, index=counts.index, name="attractiveness")


def service_weights(service: str | None) -> dict[str, float]:
    """Default points per facility restricted to the facility types of ``service``.

    ``None`` or a service not in ``SERVICE_FACILITIES`` gives all of ``DEFAULT_WEIGHTS``.
    """
    if service not in SERVICE_FACILITIES:
        return dict(DEFAULT_WEIGHTS)
    return {t: DEFAULT_WEIGHTS[t] for t in SERVICE_FACILITIES[service]}


class HuffModel(BaseEstimator):
    """Huff model of who goes where, calibrated on observed flows when there are any.

    Parameters
    ----------
    beta: distance-decay parameter (per minute for exponential decay), used as the start value
        of the calibration when observed flows are given.
    alpha: exponent of attractiveness.
    decay: ``"exponential"`` or ``"power"``.
    intra_minutes: travel time to a service in one's own settlement (minutes), used when the
        travel-time table lacks the pair (i, i).
    max_minutes: leave destinations farther than this out of the choice sets (None: keep all).
    trip_rate: trips per inhabitant.
    calibrate: calibrate ``beta`` and ``alpha`` when observed flows are given.

    Attributes
    ----------
    beta_, alpha_: parameters used (calibrated or the defaults given).
    fit_: dict describing the calibration (log-likelihoods, McFadden pseudo-R2, standard
        errors, common part of flows, counts, parameters stuck at a bound of the search range);
        ``fit_['parameters']`` is 'calibrated' or 'default'.
    flows_: modelled flows ``origin, destination, flow, probability, minutes, source``.
    unserved_: origins left without any destination (no travel time and no attractiveness of
        their own), whose trips therefore appear nowhere; report them.
    """

    def __init__(
        self,
        beta: float = DEFAULT_BETA,
        alpha: float = DEFAULT_ALPHA,
        decay: str = "exponential",
        intra_minutes: float = 0.0,
        max_minutes: float | None = None,
        trip_rate: float = 1.0,
        calibrate: bool = True,
    ) -> None:
        self.beta = beta
        self.alpha = alpha
        self.decay = decay
        self.intra_minutes = intra_minutes
        self.max_minutes = max_minutes
        self.trip_rate = trip_rate
        self.calibrate = calibrate

    # -- choice sets --------------------------------------------------------------------------

    def _choice_set(
        self,
        times: pd.DataFrame,
        attract: pd.Series,
        origins: pd.Index,
        observed: pd.DataFrame | None,
    ) -> pd.DataFrame:
        pairs = times[["origin", "destination", "minutes"]].astype(
            {"origin": object, "destination": object, "minutes": float}
        )
        own = pd.DataFrame(
            {"origin": origins, "destination": origins, "minutes": float(self.intra_minutes)}
        )
        pairs = pd.concat([pairs, own], ignore_index=True)
        pairs = pairs.drop_duplicates(["origin", "destination"], keep="first")
        pairs = pairs[pairs["origin"].isin(origins)]
        missing = sorted(set(pairs["destination"]) - set(attract.index))
        if missing:
            raise InputError(
                [
                    Problem(
                        f"{len(missing)} destinations have no attractiveness, e.g. "
                        f"{', '.join(missing[:5])}; every settlement of the travel-time table "
                        "needs one"
                    )
                ]
            )
        pairs["attractiveness"] = attract.reindex(pairs["destination"]).to_numpy(float)
        near = np.ones(len(pairs), dtype=bool)
        if self.max_minutes is not None:
            near = pairs["minutes"].to_numpy() <= self.max_minutes
        if observed is not None:  # observed choices stay in the choice set however far
            seen = pd.MultiIndex.from_frame(observed[["origin", "destination"]])
            near |= pd.MultiIndex.from_frame(pairs[["origin", "destination"]]).isin(seen)
        pairs = pairs[near & (pairs["attractiveness"].to_numpy() > 0)]
        pairs = pairs.assign(_o=pd.Index(origins).get_indexer(pairs["origin"]))
        return pairs.sort_values(["_o", "destination"], kind="stable").reset_index(drop=True)

    def _features(self, pairs: pd.DataFrame) -> np.ndarray:
        t = pairs["minutes"].to_numpy(float)
        if self.decay == "exponential":
            cost = t
        elif self.decay == "power":
            cost = np.log1p(t)
        else:
            raise ValueError(f"decay must be 'exponential' or 'power', not '{self.decay}'")
        with np.errstate(divide="ignore"):
            log_a = np.log(pairs["attractiveness"].to_numpy(float))
        return np.column_stack([-cost, log_a])

    @staticmethod
    def _probabilities(
        X: np.ndarray, theta: np.ndarray, starts: np.ndarray, group: np.ndarray
    ) -> np.ndarray:
        u = X @ theta
        u = u - np.maximum.reduceat(u, starts)[group]
        e = np.exp(u)
        return e / np.add.reduceat(e, starts)[group]

    # -- fitting ------------------------------------------------------------------------------

    def fit(
        self,
        times: pd.DataFrame,
        attractiveness: pd.Series,
        observed: pd.DataFrame | None = None,
        population: pd.Series | None = None,
    ) -> HuffModel:
        """Calibrate on ``observed`` flows (if any) and model the flows of every origin.

        ``times``: ``origin, destination, minutes``; ``attractiveness``: points per settlement
        id; ``observed``: ``origin, destination, flow`` (services are summed); ``population``:
        inhabitants per origin id (None: one trip per origin, so flows are shares).
        """
        attract = attractiveness.astype(float)
        attract.index = attract.index.astype(str)
        if population is not None:
            origins = pd.Index(population.index.astype(str), dtype=object)
            trips = population.to_numpy(float) * self.trip_rate
        else:
            origins = pd.Index(sorted(set(times["origin"].astype(str))), dtype=object)
            trips = np.full(len(origins), float(self.trip_rate))
        obs = None
        if observed is not None and len(observed):
            obs = (
                observed.astype({"origin": str, "destination": str})
                .groupby(["origin", "destination"], as_index=False)["flow"]
                .sum()
            )
            obs = obs[obs["flow"] > 0]
            unknown = sorted(set(obs["origin"]) - set(origins))
            if unknown:
                raise InputError(
                    [
                        Problem(
                            f"observed flows start from {len(unknown)} settlements outside the "
                            "model, "
                            f"e.g. {', '.join(unknown[:5])}"
                        )
                    ]
                )
        pairs = self._choice_set(times, attract, origins, obs)
        self.unserved_ = sorted(set(origins) - set(pairs["origin"]))
        X = self._features(pairs)
        group = pairs["_o"].to_numpy()
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        theta0 = np.array([self.beta, self.alpha], dtype=float)
        self.fit_ = {"parameters": "default", "beta": self.beta, "alpha": self.alpha}
        if obs is not None and self.calibrate:
            theta0 = self._calibrate(pairs, X, group, starts, obs, theta0)
        self.beta_, self.alpha_ = float(theta0[0]), float(theta0[1])
        p = self._probabilities(X, theta0, starts, group)
        flow = trips[group] * p
        self.flows_ = pd.DataFrame(
            {
                "origin": pairs["origin"].to_numpy(),
                "destination": pairs["destination"].to_numpy(),
                "flow": flow,
                "probability": p,
                "minutes": pairs["minutes"].to_numpy(),
                "source": "modelled",
            }
        )
        return self

    def _calibrate(
        self,
        pairs: pd.DataFrame,
        X: np.ndarray,
        group: np.ndarray,
        starts: np.ndarray,
        obs: pd.DataFrame,
        theta0: np.ndarray,
    ) -> np.ndarray:
        key = pd.MultiIndex.from_frame(pairs[["origin", "destination"]])
        at = key.get_indexer(pd.MultiIndex.from_frame(obs[["origin", "destination"]]))
        if (at < 0).any():
            bad = obs[at < 0].iloc[:5]
            listed = "; ".join(
                f"{o} to {d}" for o, d in zip(bad["origin"], bad["destination"], strict=True)
            )
            raise InputError(
                [
                    Problem(
                        f"{int((at < 0).sum())} observed flows go to destinations without a "
                        "travel time "
                        f"or with zero attractiveness (e.g. {listed})"
                    )
                ]
            )
        counts = np.zeros(len(pairs))
        np.add.at(counts, at, obs["flow"].to_numpy(float))
        calibrated = np.zeros(int(group.max()) + 1, dtype=bool)
        calibrated[group[at]] = True
        rows = calibrated[group]  # choice sets of the calibration origins
        Xc, Oc, gc = X[rows], counts[rows], group[rows]
        gc = np.unique(gc, return_inverse=True)[1]
        sc = np.flatnonzero(np.r_[True, gc[1:] != gc[:-1]])
        n_i = np.add.reduceat(Oc, sc)

        def negll(theta: np.ndarray) -> tuple[float, np.ndarray]:
            p = self._probabilities(Xc, theta, sc, gc)
            ll = float(Oc[Oc > 0] @ np.log(p[Oc > 0]))
            expected = np.add.reduceat(p[:, None] * Xc, sc)  # E_i[x]
            grad = Oc @ Xc - n_i @ expected
            return -ll, -grad

        res = minimize(negll, theta0, jac=True, method="L-BFGS-B", bounds=[PARAMETER_BOUNDS] * 2)
        theta = res.x
        p = self._probabilities(Xc, theta, sc, gc)
        mean = np.add.reduceat(p[:, None] * Xc, sc)
        second = np.add.reduceat(p[:, None, None] * Xc[:, :, None] * Xc[:, None, :], sc)
        H = np.einsum("i,ijk->jk", n_i, second - mean[:, :, None] * mean[:, None, :])
        try:
            se = np.sqrt(np.diag(np.linalg.inv(H)))
        except np.linalg.LinAlgError:
            se = np.array([np.nan, np.nan])
        sizes = np.diff(np.r_[sc, len(gc)])
        ll_null = float(-(n_i @ np.log(sizes)))
        ll = -float(res.fun)
        predicted = n_i[gc] * p
        cpc = 2 * np.minimum(Oc, predicted).sum() / (Oc.sum() + predicted.sum())
        self.fit_ = {
            "parameters": "calibrated",
            "beta": float(theta[0]),
            "alpha": float(theta[1]),
            "se_beta": float(se[0]),
            "se_alpha": float(se[1]),
            "log_likelihood": ll,
            "log_likelihood_null": ll_null,
            "pseudo_r2": 1.0 - ll / ll_null if ll_null < 0 else float("nan"),
            "common_part": float(cpc),
            "n_origins": len(sc),
            "n_flow": float(Oc.sum()),
            "n_pairs": len(obs),
            "at_bound": [
                name
                for name, v in zip(("beta", "alpha"), theta, strict=True)
                if min(abs(v - PARAMETER_BOUNDS[0]), abs(v - PARAMETER_BOUNDS[1])) < 1e-6
            ],
            "converged": bool(res.success),
            "message": str(res.message),
            "decay": self.decay,
        }
        return theta
