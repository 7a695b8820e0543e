"""``aimak report`` end to end on the SYNTHETIC fixture of test_report_outputs (invented data)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio
from click.testing import CliRunner
from openpyxl import load_workbook

from aimak.cli.main import cli
from test_report_outputs import CODE, synthetic_dataset, synthetic_inputs


def _files(tmp_path: Path) -> dict[str, Path]:
    dataset = tmp_path / "synthetic.gpkg"
    synthetic_dataset().write(dataset)
    inputs = synthetic_inputs()
    zones = tmp_path / "zones.csv"
    inputs.zones.rename(columns={"settlement": "unit"})[["unit", "zone"]].to_csv(zones,
                                                                                 index=False)
    flows = tmp_path / "flows.parquet"
    inputs.flows.to_parquet(flows)
    plan = tmp_path / "merge_ab.csv"
    pd.DataFrame({"old_code": [CODE["A"], CODE["B"], CODE["C"]],
                  "new_unit": ["AB", "AB", "C"]}).to_csv(plan, index=False)
    return {"dataset": dataset, "zones": zones, "flows": flows, "plan": plan}


def test_report_command_writes_every_format(tmp_path: Path) -> None:
    f = _files(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [
        "report", str(f["dataset"]), "--out", str(out), "--zones", str(f["zones"]),
        "--flows", str(f["flows"]), "--plan", f"merge_ab={f['plan']}", "--lang", "en",
        "--format", "html,xlsx,gpkg"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["indicators.xlsx", "report.html",
                                                     "results.gpkg"]
    layers = [name for name, _kind in pyogrio.list_layers(out / "results.gpkg")]
    assert {"zones", "flows", "plan_merge_ab"} <= set(layers)
    rows = list(load_workbook(out / "indicators.xlsx", read_only=True)["merge_ab"]
                .iter_rows(values_only=True))
    table = pd.DataFrame(rows[1:], columns=rows[0]).set_index("Unit")
    # Sums over the dataset: AB = 5000 + 800 + 1200 + 3000 + 500; the centre is A's (larger).
    assert table.loc["AB", "Population"] == 10500
    assert table.loc["AB", "Settlements"] == 5
    assert table.loc["AB", "centre_name"] == "Synthetic 1"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Plan: merge_ab" in html


def test_report_command_names_the_bad_cell(tmp_path: Path) -> None:
    f = _files(tmp_path)
    pd.DataFrame({"old_code": [CODE["A"], "999"], "new_unit": ["X", "Y"]}).to_csv(
        f["plan"], index=False)
    result = CliRunner().invoke(cli, ["report", str(f["dataset"]), "--out",
                                      str(tmp_path / "out"), "--plan", f"p={f['plan']}"])
    assert result.exit_code == 2
    assert "merge_ab.csv, row 2, column 'old_code'" in result.output
    assert "'999' is not a municipality code" in result.output
    assert not (tmp_path / "out").exists()
