"""The last bad-input classes of issue 26 end in a clear error, never a traceback.

Each case damages a SYNTHETIC dataset (tests/test_pipeline.synthetic_dataset) the way the issue's
generated inputs did; every one of them crashed (GEOS ``getX called on empty Point``, PROJ) or was
accepted before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from aimak.cli.main import cli
from aimak.dataset import Dataset
from aimak.errors import InputError
from aimak.io import read_table
from aimak.schema import FLOWS, validate
from test_pipeline import synthetic_dataset

LAYERS = ("settlements", "municipalities", "rayons", "oblasts", "facilities")


def _empty_point(ds) -> None:
    ds.settlements.loc[0, "geometry"] = shapely.Point()


def _nan_point(ds) -> None:
    ds.settlements.loc[0, "geometry"] = shapely.Point(np.nan, np.nan)


def _empty_polygon(ds) -> None:
    ds.municipalities.loc[0, "geometry"] = shapely.Polygon()


def _declared(crs: int, to: int | None = None) -> Callable:
    def damage(ds) -> None:
        for name in LAYERS:
            g = getattr(ds, name)
            g = g.to_crs(to) if to else g
            setattr(ds, name, g.set_crs(crs, allow_override=True))
    return damage


CASES = {
    "empty point": (_empty_point, "layer settlements", "missing or empty"),
    "NaN point": (_nan_point, "layer settlements", "missing or empty"),
    "empty polygon": (_empty_polygon, "layer municipalities", "missing or empty"),
    "UTM metres declared WGS84": (_declared(4326, 32643), "layer oblasts", "not degrees"),
    "degrees declared Web Mercator": (_declared(3857), "layer oblasts", "look like longitude"),
    "degrees declared UTM": (_declared(32643), "layer oblasts", "look like longitude"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_damaged_dataset_is_a_clear_error(case: str, tmp_path: Path) -> None:
    damage, where, what = CASES[case]
    ds = synthetic_dataset()
    damage(ds)
    path = tmp_path / "damaged.gpkg"
    ds.write(path)
    with pytest.raises(InputError) as err:
        Dataset.read(path)
    assert where in str(err.value) and what in str(err.value)
    # the CLI says the same in one line and exits 2 (no traceback)
    res = CliRunner().invoke(cli, ["access", "--dataset", str(path), "--mode", "straight",
                                   "--out", str(tmp_path / "times.csv")])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and "damaged.gpkg" in res.output
    assert not (tmp_path / "times.csv").exists()


def test_a_folder_given_as_a_table_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "flows.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="this is a folder"):
        read_table(folder)


def test_list_typed_ids_are_not_taken_as_text() -> None:
    flows = pd.DataFrame({"origin": [["a", "b"], "c"], "destination": ["x", "y"],
                          "flow": [1.0, 2.0]})
    with pytest.raises(InputError) as err:
        validate(flows, FLOWS, file="flows.parquet")
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (1, "origin") and "is a list" in problem.message
