"""Road model on tiny SYNTHETIC road files written by the tests (OSM PBF/XML, GeoJSON, GPKG)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from access_fixtures import write_osm
from aimak.access import RoadModel, RoadNetwork
from aimak.errors import AimakError, InputError

GEOD = Geod(ellps="WGS84")

# A primary road west -> east along 41 N (3 nodes), a track climbing north from its east end,
# and a separate little service road far to the north-west (a disconnected component).
NODES = {1: (72.00, 41.00), 2: (72.05, 41.00), 3: (72.10, 41.00), 4: (72.10, 41.05),
         10: (71.90, 41.20), 11: (71.91, 41.20)}
WAYS = [([1, 2, 3], {"highway": "primary"}), ([3, 4], {"highway": "track"}),
        ([10, 11], {"highway": "service"}), ([1, 4], {"building": "yes"})]


def settlements(points: dict[str, tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": list(points)}, crs=4326,
                            geometry=gpd.points_from_xy(*zip(*points.values(), strict=True)))


def metres(a, b) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


@pytest.fixture(params=["roads.osm.pbf", "roads.osm"])
def osm_file(request, tmp_path: Path) -> Path:
    return write_osm(tmp_path / request.param, NODES, WAYS)


def test_osm_known_answer(osm_file: Path):
    pts = settlements({"a": NODES[1], "b": NODES[3], "c": NODES[4]})
    m = RoadModel(osm_file, elevation=False).fit(pts)
    t = m.matrix().set_index(["origin", "destination"])
    ab = metres(NODES[1], NODES[2]) + metres(NODES[2], NODES[3])
    assert t.loc[("a", "b"), "km"] == pytest.approx(ab / 1000, rel=1e-9)
    assert t.loc[("a", "b"), "minutes"] == pytest.approx(ab / 1000 / 65 * 60, rel=1e-6)
    bc = metres(NODES[3], NODES[4])
    assert t.loc[("a", "c"), "minutes"] == pytest.approx((ab / 65 + bc / 15) / 1000 * 60,
                                                          rel=1e-6)
    assert (t["mode"] == "roads").all() and (t["provenance"] == "modelled").all()


def test_offroad_leg_uses_terrain_speed(osm_file: Path):
    off = (72.05, 41.01)  # about 1.1 km north of the middle node
    pts = settlements({"a": NODES[1], "x": off})
    m = RoadModel(osm_file, elevation=False).fit(pts)
    leg = metres(NODES[2], off)
    assert m.leg_km_["x"] == pytest.approx(leg / 1000, rel=1e-9)
    t = m.matrix().set_index(["origin", "destination"])
    flat_kmh = m.speed_.kmh(np.array(0.0), 0.0)
    expect = (metres(NODES[1], NODES[2]) / 65 + leg / flat_kmh) / 1000 * 60
    assert t.loc[("a", "x"), "minutes"] == pytest.approx(expect, rel=1e-6)


def test_components_and_stranded_settlements(osm_file: Path):
    pts = settlements({"a": NODES[1], "b": NODES[3], "lost": (71.905, 41.201)})
    m = RoadModel(osm_file, elevation=False).fit(pts)
    assert list(m.stranded_) == ["lost"]
    assert len(m.components_) == 2
    main = m.components_[m.components_["main"]].iloc[0]
    assert main["settlements"] == 2 and main["nodes"] == 4
    frame = m.matrix()
    assert not ((frame.origin == "lost") & (frame.destination != "lost")).any()
    assert frame.attrs["unreachable"] == 4


def test_oneway_is_respected(tmp_path: Path):
    path = write_osm(tmp_path / "oneway.osm.pbf", {1: (72.0, 41.0), 2: (72.05, 41.0)},
                     [([1, 2], {"highway": "primary", "oneway": "yes"})])
    m = RoadModel(path, elevation=False).fit(settlements({"a": (72.0, 41.0),
                                                           "b": (72.05, 41.0)}))
    t = m.matrix().set_index(["origin", "destination"])
    assert ("a", "b") in t.index and ("b", "a") not in t.index


def test_geojson_and_gpkg_lines_join_at_shared_vertices(tmp_path: Path):
    lines = gpd.GeoDataFrame(
        {"highway": ["secondary", "secondary", None]},
        geometry=[shapely.LineString([(72.0, 41.0), (72.05, 41.0)]),
                  shapely.LineString([(72.05, 41.0), (72.05, 41.05)]),
                  shapely.MultiLineString([[(72.05, 41.05), (72.1, 41.05)]])], crs=4326)
    pts = settlements({"a": (72.0, 41.0), "b": (72.1, 41.05)})
    expect = (metres((72.0, 41.0), (72.05, 41.0)) / 55 + metres((72.05, 41.0), (72.05, 41.05))
              / 55 + metres((72.05, 41.05), (72.1, 41.05)) / 20) / 1000 * 60
    for name, driver in (("roads.geojson", "GeoJSON"), ("roads.gpkg", "GPKG")):
        path = tmp_path / name
        lines.to_file(path, driver=driver)
        t = RoadModel(path, elevation=False).fit(pts).matrix().set_index(
            ["origin", "destination"])
        assert t.loc[("a", "b"), "minutes"] == pytest.approx(expect, rel=1e-6)


def test_speed_table_override(osm_file: Path):
    pts = settlements({"a": NODES[1], "b": NODES[3]})
    slow = RoadModel(osm_file, speeds={"primary": 32.5}, elevation=False).fit(pts).matrix()
    fast = RoadModel(osm_file, elevation=False).fit(pts).matrix()
    ab = lambda f: f[(f.origin == "a") & (f.destination == "b")]["minutes"].iloc[0]  # noqa: E731
    assert ab(slow) == pytest.approx(2 * ab(fast), rel=1e-6)


def test_empty_network_is_a_clear_error(tmp_path: Path):
    path = write_osm(tmp_path / "nothing.osm.pbf", {1: (72.0, 41.0), 2: (72.1, 41.0)},
                     [([1, 2], {"building": "yes"})])
    with pytest.raises(InputError, match=r"nothing\.osm\.pbf: the file holds no usable roads"):
        RoadModel(path).fit(settlements({"a": (72.0, 41.0)}))
    with pytest.raises(InputError, match="does not exist"):
        RoadModel(tmp_path / "missing.osm.pbf").fit(settlements({"a": (72.0, 41.0)}))


def test_nearest_facility_over_roads(osm_file: Path):
    pts = settlements({"a": NODES[1], "c": NODES[4]})
    fac = gpd.GeoDataFrame({"id": ["h1", "h2"], "type": ["hospital", "hospital"]},
                           geometry=gpd.points_from_xy([72.05, 72.1], [41.0, 41.05]), crs=4326)
    near = RoadModel(osm_file, elevation=False).fit(pts).nearest(fac).set_index("origin")
    assert near.loc["a", "destination"] == "h1" and near.loc["c", "destination"] == "h2"
    assert near.loc["c", "minutes"] == pytest.approx(0, abs=1e-6)


def test_network_object_and_bad_profile():
    with pytest.raises(AimakError, match="unknown speed profile"):
        RoadModel(RoadNetwork(np.array([72.0, 72.1]), np.array([41.0, 41.0]), np.array([0]),
                              np.array([1]), np.array(["primary"], dtype=object),
                              np.array([0]), "synthetic"),
                  offroad_profile="horse", elevation=False).fit(
            settlements({"a": (72.0, 41.0)}))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), n_pts=st.integers(2, 6))
def test_property_random_networks(seed, n_pts):
    """Random two-way networks: non-negative, zero only on the diagonal, triangle inequality,
    and symmetric (no one-way roads, flat legs)."""
    rng = np.random.default_rng(seed)
    k = 12
    lon, lat = 72 + rng.uniform(0, 0.2, k), 41 + rng.uniform(0, 0.2, k)
    u = np.arange(k - 1)
    v = u + 1  # a path through all nodes keeps the network connected ...
    extra = rng.integers(0, k, size=(6, 2))  # ... plus a few random shortcuts
    extra = extra[extra[:, 0] != extra[:, 1]]
    u, v = np.concatenate([u, extra[:, 0]]), np.concatenate([v, extra[:, 1]])
    classes = rng.choice(["primary", "track", "residential"], len(u)).astype(object)
    net = RoadNetwork(lon, lat, u, v, classes, np.zeros(len(u), int), "synthetic")
    pts = settlements({f"p{i}": (72 + x, 41 + y) for i, (x, y) in
                       enumerate(rng.uniform(0, 0.2, size=(n_pts, 2)))})
    m = RoadModel(net, elevation=False).fit(pts)
    f = m.matrix()
    pos = {p: i for i, p in enumerate(m.ids_)}
    t = np.full((n_pts, n_pts), np.inf)
    t[f.origin.map(pos), f.destination.map(pos)] = f.minutes
    assert np.isfinite(t).all() and (t >= 0).all()
    assert (np.diag(t) == 0).all() and (t[~np.eye(n_pts, dtype=bool)] > 0).all()
    assert (t[:, None, :] <= t[:, :, None] + t[None, :, :] + 1e-9).all()
    assert np.allclose(t, t.T, rtol=1e-12)
