"""Terrain model: known answers on flat synthetic grids, properties on hilly synthetic grids."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from access_fixtures import CELL, LAT0, LON0, cell_points, facilities, flat_grid, grid
from aimak.access import SpeedFunction, TerrainModel
from aimak.access.elevation import ElevationGrid
from aimak.errors import AimakError, InputError

GEOD = Geod(ellps="WGS84")


def square(m) -> np.ndarray:
    """The model's full matrix as a dense array in fitted-id order (inf where missing)."""
    frame = m.matrix()
    pos = {k: i for i, k in enumerate(m.ids_)}
    out = np.full((len(m.ids_), len(m.ids_)), np.inf)
    out[frame["origin"].map(pos), frame["destination"].map(pos)] = frame["minutes"]
    return out


def test_flat_straight_east_known_answer():
    """10 cells east on flat ground at sea level: 10 east steps at the profile's flat speed."""
    g = flat_grid()
    pts = cell_points([(5, 2), (5, 12)])
    m = TerrainModel(profile="walk", cell_factor=1, elevation=g).fit(pts)
    frame = m.matrix()
    row = frame[(frame.origin == "s0") & (frame.destination == "s1")].iloc[0]
    lat = LAT0 + 5 * CELL
    _, _, step = GEOD.inv(LON0, lat, LON0 + CELL, lat)
    flat_kmh = 6.0 * np.exp(-3.5 * 0.05)  # Tobler on level ground, ~5.04 km/h
    assert row["km"] == pytest.approx(10 * step / 1000, rel=1e-9)
    assert row["minutes"] == pytest.approx(10 * step / 1000 / flat_kmh * 60, rel=1e-9)
    assert row["mode"] == "terrain" and row["provenance"] == "modelled"
    # about 3.5 km at 5 km/h: roughly 42 minutes
    assert 35 < row["minutes"] < 50


def test_diagonal_uses_true_cell_geometry():
    """A pure diagonal path of 5 steps is 5 geodesic diagonals, not 5 * sqrt(2) * one side."""
    g = flat_grid()
    pts = cell_points([(1, 1), (6, 6)])
    frame = TerrainModel(profile="walk", cell_factor=1, elevation=g).fit(pts).matrix()
    km = frame.set_index(["origin", "destination"]).loc[("s0", "s1"), "km"]
    _, _, d = GEOD.inv(np.full(5, LON0), LAT0 + CELL * np.arange(1, 6),
                       np.full(5, LON0 + CELL), LAT0 + CELL * np.arange(2, 7))
    assert km == pytest.approx(d.sum() / 1000, rel=1e-9)


def test_uphill_slower_than_downhill_and_symmetric_option():
    g = grid(hill_m=1500)
    pts = cell_points([(15, 2), (15, 20)])  # plain -> top of the hill
    t = square(TerrainModel(profile="walk", cell_factor=1, elevation=g).fit(pts))
    assert t[0, 1] > t[1, 0]  # climbing takes longer than descending
    ts = square(TerrainModel(profile="walk", cell_factor=1, symmetric=True,
                             elevation=g).fit(pts))
    assert ts[0, 1] == pytest.approx(ts[1, 0], rel=1e-12)


def test_settlements_off_grid_are_named():
    g = flat_grid()
    pts = cell_points([(1, 1), (2, 2)])
    pts.loc[1, "geometry"] = pts.geometry.iloc[1].__class__(LON0 + 1.0, LAT0)
    pts.loc[1, "id"] = "gn:far-away"
    with pytest.raises(InputError, match=r"gn:far-away.*outside the elevation grid"):
        TerrainModel(elevation=g, cell_factor=1).fit(pts)


def test_winter_closure_strands_high_settlements_and_detours():
    """A north-south ridge with a pass: closing the pass forces the detour round the ridge."""
    g = flat_grid(ny=20, nx=30, z_m=1300.0)
    z = np.array(g.z)
    z[2:, 14:17] = 2500.0  # the ridge, open only through rows 0-1 ...
    z[9:12, 14:17] = 1350.0  # ... and through a low pass at 1350 m
    g = ElevationGrid(z, g.lat, g.lon, "synthetic ridge")
    pts = cell_points([(4, 15), (10, 2), (10, 27)])  # on the ridge, west plain, east plain
    open_ = TerrainModel(cell_factor=1, elevation=g).fit(pts)
    closed = TerrainModel(cell_factor=1, elevation=g, closed_above_m=1320).fit(pts)
    assert list(open_.stranded_) == []
    assert list(closed.stranded_) == ["s0"]
    frame = closed.matrix()
    assert set(frame.loc[frame.origin == "s0", "destination"]) == {"s0"}
    assert frame.attrs["unreachable"] == 4
    t_open, t_closed = square(open_), square(closed)
    assert np.isfinite(t_closed[1, 2]) and t_closed[1, 2] > 1.2 * t_open[1, 2]


def test_cutoff_and_subsets():
    g = flat_grid(ny=10, nx=40)
    pts = cell_points([(5, 1), (5, 5), (5, 38)])
    m = TerrainModel(profile="walk", cell_factor=1, elevation=g).fit(pts)
    frame = m.matrix(origins=["s0"], cutoff=30)
    assert set(frame.destination) == {"s0", "s1"}
    assert frame.attrs["unreachable"] == 1
    with pytest.raises(InputError, match="'nope' is not one of the fitted settlements"):
        m.matrix(origins=["nope"])
    with pytest.raises(AimakError, match="cutoff"):
        m.matrix(cutoff=-5)


def test_nearest_facility_of_each_type():
    g = flat_grid(ny=10, nx=40)
    pts = cell_points([(5, 1), (5, 20), (5, 38)])
    fac = facilities(cell_points([(5, 3), (5, 36), (4, 20)], prefix="f"),
                     ["school", "school", "clinic"])
    m = TerrainModel(profile="walk", cell_factor=1, elevation=g).fit(pts)
    near = m.nearest(fac)
    schools = near[near.facility_type == "school"].set_index("origin")["destination"]
    assert schools.to_dict() == {"s0": "f0", "s1": "f0", "s2": "f1"} or \
        schools.to_dict() == {"s0": "f0", "s1": "f1", "s2": "f1"}
    clinic = near[near.facility_type == "clinic"].set_index("origin")
    assert set(clinic["destination"]) == {"f2"}
    # the nearest-facility time equals the settlement -> facility time of the full matrix
    both = TerrainModel(profile="walk", cell_factor=1, elevation=g).fit(
        cell_points([(5, 1), (5, 3)]))
    direct = both.matrix().set_index(["origin", "destination"]).loc[("s0", "s1"), "minutes"]
    assert near[(near.origin == "s0") & (near.facility_type == "school")]["minutes"].iloc[0] \
        == pytest.approx(direct, rel=1e-9)


def test_coarsening_keeps_times_close_on_smooth_terrain():
    g = grid(ny=40, nx=60, hill_m=600)
    pts = cell_points([(5, 5), (30, 50), (20, 10)])
    fine = square(TerrainModel(cell_factor=1, elevation=g).fit(pts))
    coarse = square(TerrainModel(cell_factor=2, elevation=g).fit(pts))
    off = ~np.eye(3, dtype=bool)
    assert np.allclose(coarse[off], fine[off], rtol=0.2)


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(AimakError, match="unknown speed profile 'bicycle'"):
        TerrainModel(profile="bicycle", elevation=flat_grid()).fit(cell_points([(1, 1)]))


def test_speed_function_is_tobler_for_walking():
    f = SpeedFunction.profile("walk", altitude_factor=False)
    assert f.kmh(np.array(-0.05)) == pytest.approx(6.0)
    assert f.kmh(np.array(0.0)) == pytest.approx(6 * np.exp(-0.175))
    assert f.kmh(np.array(0.2)) < f.kmh(np.array(-0.2)) < f.kmh(np.array(0.0))
    alt = SpeedFunction.profile("walk")
    assert alt.kmh(np.array(0.0), 3000.0) < alt.kmh(np.array(0.0), 500.0)


# --- property tests -------------------------------------------------------------------------

cells = st.lists(st.tuples(st.integers(0, 17), st.integers(0, 23)), min_size=2, max_size=7,
                 unique=True)
PROPS = settings(max_examples=25, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def _rough(seed: int) -> ElevationGrid:
    return grid(ny=18, nx=24, hill_m=700, seed=seed, rough_m=150)


@PROPS
@given(cells=cells, seed=st.integers(0, 1000), symmetric=st.booleans())
def test_property_metric(cells, seed, symmetric):
    """Non-negative, zero only on the diagonal, triangle inequality."""
    t = square(TerrainModel(cell_factor=1, elevation=_rough(seed), symmetric=symmetric)
               .fit(cell_points(cells)))
    n = len(cells)
    assert np.isfinite(t).all() and (t >= 0).all()
    assert (np.diag(t) == 0).all()
    assert (t[~np.eye(n, dtype=bool)] > 0).all()
    via = t[:, :, None] + t[None, :, :]  # i -> j -> k
    assert (t[:, None, :] <= via + 1e-9).all()


@PROPS
@given(cells=cells, seed=st.integers(0, 1000))
def test_property_symmetric_model_gives_symmetric_matrix(cells, seed):
    t = square(TerrainModel(cell_factor=1, elevation=_rough(seed), symmetric=True)
               .fit(cell_points(cells)))
    assert np.allclose(t, t.T, rtol=1e-12, atol=1e-12)


@PROPS
@given(cells=cells, seed=st.integers(0, 1000), low=st.floats(0.0, 5.0),
       extra=st.floats(0.1, 5.0))
def test_property_more_slope_penalty_never_faster(cells, seed, low, extra):
    g, pts = _rough(seed), cell_points(cells)
    a = square(TerrainModel(cell_factor=1, elevation=g, slope_penalty=low).fit(pts))
    b = square(TerrainModel(cell_factor=1, elevation=g, slope_penalty=low + extra).fit(pts))
    assert (b >= a - 1e-9).all()
    off = ~np.eye(len(cells), dtype=bool)
    assert (b[off] > a[off]).all()  # hilly everywhere: strictly slower
