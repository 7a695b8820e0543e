"""The builder reports every settlement row it drops or corrects in the dataset's notes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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


def test_swapped_coordinates_and_bad_populations_are_noted(shared_data: Path,
                                                           tmp_path: Path) -> None:
    picked: dict[str, list[str]] = {}

    def edit(t: pd.DataFrame) -> None:
        ja = t.index[t["admin1"] == "Jalal-Abad"]
        swap, text, negative = ja[:2], ja[10], ja[11]  # first rows: listed before the cap
        t.loc[swap, ["lat", "lon"]] = t.loc[swap, ["lon", "lat"]].to_numpy()
        t.loc[text, "population"] = "about 900"
        t.loc[negative, "population"] = "-5"
        picked["swapped"] = list(t.loc[swap, "id"])
        picked["bad"] = [t.at[text, "id"], t.at[negative, "id"]]

    src = _copy_with(shared_data, tmp_path / "src", edit)
    notes = build_kyrgyzstan(src, "jalal-abad").dataset.notes
    dropped = notes[notes["kind"] == "dropped"]
    assert len(dropped) == 1
    # the real table also has points just outside OCHA's polygons (borders, enclaves)
    assert int(dropped["count"].iloc[0]) >= 2
    assert all(i in dropped["message"].iloc[0] for i in picked["swapped"])
    ignored = notes[notes["kind"] == "ignored_value"]
    assert len(ignored) == 1 and int(ignored["count"].iloc[0]) == 2
    assert all(i in ignored["message"].iloc[0] for i in picked["bad"])
    assert "'about 900'" in ignored["message"].iloc[0]
