"""The builder reports every settlement row it drops or corrects in the dataset's notes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from aimak.errors import InputError
from aimak.kyrgyzstan.build import build_kyrgyzstan


def _copy_with(shared: Path, folder: Path, edit) -> Path:
    folder.mkdir()
    for f in shared.iterdir():
        if f.name != "settlements.csv":
            (folder / f.name).symlink_to(f)
    table = pd.read_csv(shared / "settlements.csv", dtype=str, keep_default_na=False)
    edit(table)
    table.to_csv(folder / "settlements.csv", index=False)
    return folder


def _rows(t: pd.DataFrame, idx) -> list[int]:
    return [int(i) + 1 for i in idx]  # 1-based data rows, as the errors count them


def test_swapped_coordinates_are_an_error_naming_the_rows(shared_data: Path,
                                                          tmp_path: Path) -> None:
    """Issue 26: swapped rows used to be dropped with only a note in the dataset."""
    picked = {}

    def edit(t: pd.DataFrame) -> None:
        swap = t.index[t["admin1"] == "Jalal-Abad"][:2]
        t.loc[swap, ["lat", "lon"]] = t.loc[swap, ["lon", "lat"]].to_numpy()
        picked["rows"] = _rows(t, swap)

    src = _copy_with(shared_data, tmp_path / "src", edit)
    with pytest.raises(InputError) as err:
        build_kyrgyzstan(src, "jalal-abad")
    problems = err.value.problems
    assert [p.row for p in problems] == picked["rows"]
    assert all(p.column == "lat" and p.file.endswith("settlements.csv") for p in problems)
    assert "swapped" in problems[0].message


@pytest.mark.parametrize("value", ["about 900", "-5", "inf"])
def test_text_or_negative_population_is_an_error(shared_data: Path, tmp_path: Path,
                                                 value: str) -> None:
    """Issue 26: such figures used to be ignored with a note."""
    picked = {}

    def edit(t: pd.DataFrame) -> None:
        i = t.index[t["admin1"] == "Jalal-Abad"][10]
        t.loc[i, "population"] = value
        picked["row"] = _rows(t, [i])[0]

    src = _copy_with(shared_data, tmp_path / "src", edit)
    with pytest.raises(InputError) as err:
        build_kyrgyzstan(src, "jalal-abad")
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (picked["row"], "population")
    assert f"'{value}'" in problem.message


def test_header_only_settlements_table_is_an_error(shared_data: Path, tmp_path: Path) -> None:
    src = _copy_with(shared_data, tmp_path / "src", lambda t: t.drop(t.index, inplace=True))
    with pytest.raises(InputError, match="no rows"):
        build_kyrgyzstan(src, "jalal-abad")


def test_points_abroad_are_noted(shared_data: Path, tmp_path: Path) -> None:
    def edit(t: pd.DataFrame) -> None:
        i = t.index[t["admin1"] == "Jalal-Abad"][0]
        t.loc[i, ["lat", "lon"]] = ["55.75", "37.62"]  # Moscow: not swapped, just abroad

    src = _copy_with(shared_data, tmp_path / "src", edit)
    notes = build_kyrgyzstan(src, "jalal-abad").dataset.notes
    dropped = notes[notes["kind"] == "dropped"]
    assert len(dropped) == 1 and int(dropped["count"].iloc[0]) >= 1
