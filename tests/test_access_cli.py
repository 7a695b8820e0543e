"""``aimak access`` end to end on a tiny SYNTHETIC dataset, elevation grid and road file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from access_fixtures import cell_points, dataset, facilities, grid, write_netcdf, write_osm
from aimak.access.elevation import ELEVATION_ENV, read_gebco
from aimak.cli.main import cli


@pytest.fixture()
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    g = grid(ny=24, nx=32)
    nc = write_netcdf(g, tmp_path / "synthetic_gebco.nc")
    monkeypatch.setenv(ELEVATION_ENV, str(nc))
    pts = cell_points([(4, 4), (12, 16), (20, 28), (6, 26)])
    fac = facilities(cell_points([(5, 5), (19, 27), (12, 17)], prefix="f"),
                     ["school", "school", "clinic"])
    gpkg = tmp_path / "synthetic.gpkg"
    dataset(pts, fac).write(gpkg)
    lon, lat = pts.geometry.x.tolist(), pts.geometry.y.tolist()
    osm = write_osm(tmp_path / "roads.osm.pbf",
                    {i + 1: (x, y) for i, (x, y) in enumerate(zip(lon, lat, strict=True))},
                    [([1, 2, 3], {"highway": "secondary"}), ([3, 4], {"highway": "track"})])
    return {"dataset": gpkg, "nc": nc, "osm": osm, "dir": tmp_path}


def run(*args: str):
    return CliRunner().invoke(cli, ["access", *args], catch_exceptions=False)


def test_read_gebco_reads_what_was_written(files):
    g = read_gebco(files["nc"])
    assert g.shape == (24, 32) and g.source.startswith("GEBCO")


@pytest.mark.parametrize("mode", ["terrain", "roads", "straight"])
def test_each_mode_writes_a_long_table(files, mode):
    out = files["dir"] / f"times_{mode}.parquet"
    extra = ["--roads", str(files["osm"])] if mode == "roads" else []
    res = run("--dataset", str(files["dataset"]), "--mode", mode, *extra, "--out", str(out))
    assert res.exit_code == 0, res.output
    t = pd.read_parquet(out)
    assert list(t.columns) == ["origin", "destination", "minutes", "km", "mode", "provenance"]
    assert len(t) == 16 and set(t["mode"]) == {mode}
    assert set(t["provenance"]) == {"approximated" if mode == "straight" else "modelled"}
    assert (t.loc[t.origin != t.destination, "minutes"] > 0).all()


def test_facilities_csv_and_cutoff(files):
    out = files["dir"] / "near.csv"
    res = run("--dataset", str(files["dataset"]), "--mode", "terrain", "--to", "facilities",
              "--symmetric", "--cell-factor", "1", "--out", str(out))
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out)
    assert set(t["facility_type"]) == {"school", "clinic"}
    assert len(t[t.facility_type == "school"]) == 4
    out2 = files["dir"] / "near_cut.csv"
    res = run("--dataset", str(files["dataset"]), "--mode", "terrain", "--to", "facilities",
              "--cutoff", "5", "--out", str(out2))
    assert res.exit_code == 0 and "no route within the cutoff" in res.output
    assert len(pd.read_csv(out2)) < len(t)


def test_bad_inputs_fail_with_clear_messages(files):
    ds = str(files["dataset"])
    res = run("--dataset", ds, "--mode", "helicopter", "--out", "x.parquet")
    assert res.exit_code == 2 and "helicopter" in res.output
    res = run("--dataset", ds, "--mode", "roads", "--out", str(files["dir"] / "r.parquet"))
    assert res.exit_code == 2 and "--roads FILE" in res.output
    empty = write_osm(files["dir"] / "empty.osm", {1: (72.0, 41.0), 2: (72.01, 41.0)},
                      [([1, 2], {"waterway": "river"})])
    res = run("--dataset", ds, "--mode", "roads", "--roads", str(empty), "--out",
              str(files["dir"] / "r.parquet"))
    assert res.exit_code == 2 and "holds no usable roads" in res.output
    assert not (files["dir"] / "r.parquet").exists()
    res = run("--dataset", ds, "--mode", "straight", "--out", str(files["dir"] / "t.xlsx"))
    assert res.exit_code == 2 and "expected .parquet or .csv" in res.output


def test_settlement_off_the_grid_is_named(files, tmp_path: Path, monkeypatch):
    small = grid(ny=24, nx=32)
    from aimak.access.elevation import ElevationGrid

    cut = ElevationGrid(small.z[:, :10], small.lat, small.lon[:10], "synthetic")
    monkeypatch.setenv(ELEVATION_ENV, str(write_netcdf(cut, tmp_path / "cut.nc")))
    res = run("--dataset", str(files["dataset"]), "--mode", "terrain", "--out",
              str(tmp_path / "t.parquet"))
    assert res.exit_code == 2
    assert "settlement 's1'" in res.output and "outside the elevation grid" in res.output


def test_roads_report_stranded_settlements(files):
    out = files["dir"] / "roads.csv"
    res = run("--dataset", str(files["dataset"]), "--mode", "roads", "--roads", str(files["osm"]),
              "--max-leg-km", "0.001", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "Slopes of the off-road legs: GEBCO" in res.output
    # every settlement sits on a road node here, so none is stranded and all 16 pairs exist
    assert "cannot be reached" not in res.output and len(pd.read_csv(out)) == 16
    far = files["dir"] / "far.osm"
    write_osm(far, {1: (72.001, 41.001), 2: (72.002, 41.001)}, [([1, 2], {"highway": "track"})])
    res = run("--dataset", str(files["dataset"]), "--mode", "roads", "--roads", str(far),
              "--max-leg-km", "3", "--out", str(out))  # only s0 lies within 3 km of that road
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "3 settlement(s) cannot be reached from the rest: s1 (s1), s2 (s2), s3 (s3)." in text
    assert "12 pair(s) have no route" in text


def test_chunked_matrix_equals_the_single_table(files):
    """--chunk writes a Parquet folder of chunks; read back, it is the one-piece table to the
    last bit (the same on Dask workers: tests/test_compute_dask.py, kept there because a
    process cluster takes long to start)."""
    d = files["dir"]
    one = run("--dataset", str(files["dataset"]), "--mode", "terrain", "--cell-factor", "1",
              "--jobs", "1", "--out", str(d / "one.parquet"))
    assert one.exit_code == 0, one.output
    two = run("--dataset", str(files["dataset"]), "--mode", "terrain", "--cell-factor", "1",
              "--chunk", "1", "--out", str(d / "two.parquet"))
    assert two.exit_code == 0, two.output
    assert len(list((d / "two.parquet").glob("part-*.parquet"))) == 4  # one per settlement
    pd.testing.assert_frame_equal(pd.read_parquet(d / "one.parquet"),
                                  pd.read_parquet(d / "two.parquet"), check_exact=True)
    bad = run("--dataset", str(files["dataset"]), "--mode", "terrain", "--chunk", "2",
              "--out", str(d / "t.csv"))
    assert bad.exit_code != 0 and "Parquet folder" in bad.output
