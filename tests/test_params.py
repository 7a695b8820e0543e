"""Stage parameter objects and the config check: hand-written cases with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aimak.cli.main import cli
from aimak.config import FORMATS, read_config
from aimak.errors import InputError
from aimak.params import FlowParams, SolverParams, TerrainParams, ZoneParams, check
from aimak.pipeline import DEMO_ZONES, Config


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "analysis.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_set_once() -> None:
    config = Config()
    assert config.zones == ZoneParams()
    assert (ZoneParams().min_size, ZoneParams().target_size, ZoneParams().min_sc,
            ZoneParams().target_sc) == (1000.0, 10000.0, 0.6667, 0.75)
    assert config.flows == FlowParams() and config.solver == SolverParams()
    assert config.access == TerrainParams()
    # the demo's zoning is its own named choice, not a second set of defaults
    assert ZoneParams() != DEMO_ZONES and DEMO_ZONES.min_size == 3000


def test_report_formats_agree() -> None:
    from aimak.report import FORMATS as REPORT_FORMATS

    assert FORMATS == REPORT_FORMATS


def test_every_problem_of_a_config_is_reported_at_once(tmp_path: Path) -> None:
    path = _config(tmp_path, '''lang = "de"
[zones]
method = "nodal"
min_size = 3000
[flows]
beta = inf
alpha = true
[solver]
time_limit = -5
''')
    with pytest.raises(InputError) as exc:
        read_config(path)
    got = {(p.section, p.key): p.message for p in exc.value.problems}
    assert set(got) == {(None, "lang"), ("zones", "min_size"), ("flows", "beta"),
                        ("flows", "alpha"), ("solver", "time_limit")}
    assert got[(None, "lang")] == "'de' is not a report language; expected one of ru, ky, en"
    assert got[("zones", "min_size")].startswith("does not apply to the method 'nodal'")
    assert got[("flows", "beta")] == "inf is not a finite number; expected a finite number"
    assert got[("flows", "alpha")] == "true is not valid; expected a number, not true/false"
    assert "-5" in got[("solver", "time_limit")] and "greater than 0" in \
        got[("solver", "time_limit")]
    assert all(p.file == str(path) for p in exc.value.problems)


def test_cli_prints_section_and_key_without_work(tmp_path: Path) -> None:
    path = _config(tmp_path, 'out = "out"\n[zones]\nmin_size = -1\n')
    result = CliRunner().invoke(cli, ["analyze", str(path)])
    assert result.exit_code == 2
    assert result.output == (f"Error: {path}, section [zones], key 'min_size': -1 is not valid; "
                             "expected: greater than or equal to 0\n")
    assert not (tmp_path / "out").exists()


def test_relative_files_are_checked_and_resolved(tmp_path: Path) -> None:
    (tmp_path / "data.gpkg").write_bytes(b"")
    config = read_config(_config(tmp_path, 'dataset = "data.gpkg"\n[plans]\nm = "moderate"\n'))
    assert config.dataset == (tmp_path / "data.gpkg").resolve()
    assert config.plans == {"m": "moderate"}
    with pytest.raises(InputError, match=r"key 'observed_flows': 'x\.csv': no such file"):
        read_config(_config(tmp_path, 'observed_flows = ["x.csv"]\n'))


def test_non_utf8_config_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "analysis.toml"
    path.write_bytes('title = "Жалал-Абад"\n'.encode("cp1251"))
    with pytest.raises(InputError) as exc:
        read_config(path)
    assert str(exc.value) == f"{path}: the file is not UTF-8 text (byte 9); save it as UTF-8"


def test_cli_options_name_the_option() -> None:
    with pytest.raises(InputError) as exc:
        check(ZoneParams, {"min_size": 5000.0, "target_size": 100.0},
              key_name=lambda k: "--" + k.replace("_", "-"))
    assert str(exc.value) == ("option --target-size: --target-size (100) is below --min-size "
                              "(5000); expected --target-size >= --min-size")
