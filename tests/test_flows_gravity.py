"""Huff model: known answers, maximum-likelihood calibration (synthetic data)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimak.errors import InputError
from aimak.flows.gravity import HuffModel, attractiveness, read_times, service_weights


def _times(ids: list[str], minutes: np.ndarray) -> pd.DataFrame:
    o, d = np.meshgrid(np.arange(len(ids)), np.arange(len(ids)), indexing="ij")
    return pd.DataFrame(
        {
            "origin": np.array(ids)[o.ravel()],
            "destination": np.array(ids)[d.ravel()],
            "minutes": minutes.ravel(),
        }
    )


def test_known_answer_one_origin_two_destinations():
    times = pd.DataFrame({"origin": ["a", "a"], "destination": ["b", "c"], "minutes": [10, 30]})
    attract = pd.Series({"a": 0.0, "b": 2.0, "c": 8.0})
    model = HuffModel(beta=0.05, alpha=1.0).fit(times, attract, population=pd.Series({"a": 100.0}))
    wb, wc = 2 * math.exp(-0.5), 8 * math.exp(-1.5)
    f = model.flows_.set_index("destination")
    assert f.loc["b", "probability"] == pytest.approx(wb / (wb + wc))
    assert f.loc["c", "flow"] == pytest.approx(100 * wc / (wb + wc))
    assert "a" not in f.index  # no attractiveness at home: not a choice
    assert set(model.flows_["source"]) == {"modelled"}
    assert model.fit_["parameters"] == "default"


def test_power_decay_and_own_settlement():
    times = pd.DataFrame({"origin": ["a"], "destination": ["b"], "minutes": [9.0]})
    attract = pd.Series({"a": 1.0, "b": 5.0})
    model = HuffModel(beta=1.0, decay="power", intra_minutes=0.0).fit(times, attract)
    f = model.flows_.set_index("destination")["probability"]
    assert f["a"] == pytest.approx(1.0 / (1.0 + 5.0 / 10.0))


def _synthetic(n: int = 12, beta: float = 0.08, alpha: float = 1.3, seed: int = 0):
    rng = np.random.default_rng(seed)
    ids = [f"s{i:02d}" for i in range(n)]
    xy = rng.random((n, 2)) * 60
    minutes = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    attract = pd.Series(rng.uniform(1, 30, n), index=ids)
    pop = pd.Series(rng.uniform(200, 5000, n), index=ids)
    truth = HuffModel(beta=beta, alpha=alpha, calibrate=False).fit(
        _times(ids, minutes), attract, population=pop
    )
    return ids, _times(ids, minutes), attract, pop, truth.flows_


def test_calibration_recovers_the_parameters_from_expected_flows():
    _ids, times, attract, pop, flows = _synthetic()
    model = HuffModel(beta=0.3, alpha=0.5).fit(times, attract, observed=flows, population=pop)
    assert model.fit_["parameters"] == "calibrated"
    assert model.beta_ == pytest.approx(0.08, abs=1e-4)
    assert model.alpha_ == pytest.approx(1.3, abs=1e-3)
    assert model.fit_["common_part"] == pytest.approx(1.0, abs=1e-4)
    assert 0 < model.fit_["pseudo_r2"] < 1
    assert model.fit_["se_beta"] > 0


def test_calibration_on_part_of_the_origins_with_sampled_flows():
    ids, times, attract, pop, flows = _synthetic(n=20, seed=3)
    rng = np.random.default_rng(1)
    part = flows[flows["origin"].isin(ids[:8])].copy()
    part["flow"] = rng.poisson(part["flow"].to_numpy() * 0.5)  # a sample, not the expectation
    model = HuffModel().fit(times, attract, observed=part, population=pop)
    fit = model.fit_
    assert fit["n_origins"] == 8
    assert abs(model.beta_ - 0.08) < 4 * fit["se_beta"] + 0.01
    assert abs(model.alpha_ - 1.3) < 4 * fit["se_alpha"] + 0.05
    # every origin is modelled, not only the observed ones
    assert model.flows_["origin"].nunique() == 20


def test_observed_flow_without_travel_time_is_an_error():
    times = pd.DataFrame({"origin": ["a"], "destination": ["b"], "minutes": [5.0]})
    attract = pd.Series({"a": 1.0, "b": 1.0, "c": 1.0})
    observed = pd.DataFrame({"origin": ["a"], "destination": ["c"], "flow": [3.0]})
    with pytest.raises(InputError, match="without a travel time"):
        HuffModel().fit(times, attract, observed=observed)


def test_attractiveness_from_counts_and_population():
    counts = pd.DataFrame({"hospital": [1, 0], "school": [2, 1]}, index=["a", "b"])
    a = attractiveness(
        counts,
        pd.Series({"a": 3000.0, "b": 500.0}),
        weights={"hospital": 10, "school": 2},
        population_weight=1.0,
    )
    assert a.tolist() == [10 + 4 + 3, 2 + 0.5]
    with pytest.raises(ValueError, match="unknown facility types"):
        attractiveness(counts, pd.Series({"a": 1.0}), weights={"casino": 1})


def test_read_times_refuses_repeated_pairs(tmp_path):
    path = tmp_path / "times.csv"
    path.write_text("origin,destination,minutes,km,mode\na,b,5,3,roads\na,b,4,2,straight\n")
    with pytest.raises(InputError, match="choose one mode"):
        read_times(path)
    assert read_times(path, mode="roads")["minutes"].tolist() == [5.0]
    bad = tmp_path / "bad.csv"
    bad.write_text("origin,destination,minutes\na,b,-3\n")
    with pytest.raises(InputError, match="row 1"):
        read_times(bad)
    pq = tmp_path / "times.parquet"
    pd.DataFrame({"origin": ["a"], "destination": ["b"], "minutes": [1.5]}).to_parquet(pq)
    assert read_times(pq)["origin"].tolist() == ["a"]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 15), st.integers(0, 1000), st.floats(0.0, 0.5), st.floats(0.0, 3.0))
def test_each_origin_distributes_all_its_trips(n, seed, beta, alpha):
    rng = np.random.default_rng(seed)
    ids = [f"s{i}" for i in range(n)]
    times = _times(ids, rng.uniform(0, 90, (n, n)))
    attract = pd.Series(rng.uniform(0.5, 50, n), index=ids)
    pop = pd.Series(rng.uniform(0, 1000, n), index=ids)
    flows = HuffModel(beta=beta, alpha=alpha).fit(times, attract, population=pop).flows_
    totals = flows.groupby("origin")["flow"].sum().reindex(ids)
    np.testing.assert_allclose(totals.to_numpy(), pop.to_numpy(), rtol=1e-9, atol=1e-9)
    assert (flows["probability"] >= 0).all()


def test_service_weights():
    assert service_weights("school") == {"school": 2.0}
    assert service_weights("work") == {}
    assert "hospital" in service_weights("health") and "school" not in service_weights("health")
    assert len(service_weights(None)) == 14


def test_every_surveyed_service_has_facility_types():
    from aimak.flows.gravity import SERVICE_FACILITIES
    from aimak.flows.survey import SERVICES

    assert set(SERVICE_FACILITIES) == {s.name for s in SERVICES}
