"""Stage parameter objects and the config check: hand-written cases with known answers."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from aimak.cli.main import cli
from aimak.config import DEMO_ZONES, FORMATS, Config, read_config
from aimak.errors import InputError
from aimak.params import (
    ComputeParams,
    FlowParams,
    SolverParams,
    TerrainParams,
    ZoneParams,
    check,
    compute_options,
)


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


def _estimator_pairs():
    from aimak.access.roads import RoadModel
    from aimak.access.straight import StraightLineModel
    from aimak.access.terrain import TerrainModel
    from aimak.compute import compute_client
    from aimak.flows.model import model_flows
    from aimak.params import RoadParams, StraightParams
    from aimak.plans.solver import PlanSolver
    from aimak.zones.leiden import LeidenZones
    from aimak.zones.lma import LabourMarketAreas

    return [(ZoneParams, LabourMarketAreas, {}), (ZoneParams, LeidenZones, {}),
            (SolverParams, PlanSolver, {"workers": "exact_workers"}),
            (ComputeParams, compute_client, {}), (FlowParams, model_flows, {}),
            (TerrainParams, TerrainModel, {}), (RoadParams, RoadModel, {}),
            (StraightParams, StraightLineModel, {})]


def test_parameter_models_take_the_estimators_defaults() -> None:
    """Every setting that configures an estimator has the estimator's own default (the one
    place it is set), the processes of the travel-time matrix included."""
    import inspect

    checked = 0
    for model, target, renamed in _estimator_pairs():
        sig = inspect.signature(target.__init__ if inspect.isclass(target) else target)
        for field, info in model.model_fields.items():
            name = renamed.get(field, field)
            if name not in sig.parameters:
                continue
            default = sig.parameters[name].default
            if default is inspect.Parameter.empty or default is None:
                continue
            assert info.default == default, (model.__name__, field, info.default, default)
            checked += 1
    assert checked >= 17


def test_cli_help_and_docs_state_the_estimators_defaults() -> None:
    """The CLI's help and the docs say the same defaults as the estimators."""
    from aimak.cli.plans import SOLVING_METHODS
    from aimak.plans.solver import METHODS, PlanSolver
    from aimak.zones.lma import LabourMarketAreas

    solver = PlanSolver()
    assert SOLVING_METHODS == METHODS
    runner = CliRunner()
    text = " ".join(runner.invoke(cli, ["amalgamate", "--help"]).output.split())
    assert f"[default: {solver.time_limit}]" in text and f"[default: {solver.method}]" in text
    from aimak.access.straight import StraightLineModel
    from aimak.access.terrain import TerrainModel
    from aimak.cli.access import access
    from aimak.cli.options import DefaultFrom

    terrain, straight = TerrainModel(), StraightLineModel()
    text = " ".join(runner.invoke(cli, ["access", "--help"]).output.split())
    for option, value in (("--jobs", terrain.n_jobs), ("--cell-factor", terrain.cell_factor),
                          ("--circuity", straight.circuity), ("--speed", straight.speed_kmh)):
        assert re.search(rf"{option} [^[]*\[default: {re.escape(str(value))}[];]", text), option
    # read from the estimators, not copied: the access options that configure one say which
    copied = [o.name for o in access.params if isinstance(o, click.Option)
              and o.name in ("jobs", "cell_factor", "circuity", "speed")
              and not isinstance(o, DefaultFrom)]
    assert not copied, copied
    import inspect

    from aimak.cli.explain_plan import explain_plan
    from aimak.plans.explain_official import explain_official

    sig = inspect.signature(explain_official).parameters
    text = " ".join(runner.invoke(cli, ["explain-plan", "--help"]).output.split())
    for option, param in (("--time-limit", "time_limit"), ("--ensemble", "ensemble")):
        assert re.search(rf"{option} [^[]*\[default: {sig[param].default}[];]", text), option
    copied = [o.name for o in explain_plan.params if o.name in ("time_limit", "n_plans")
              and not isinstance(o, DefaultFrom)]
    assert not copied, copied
    lma = LabourMarketAreas()
    text = " ".join(runner.invoke(cli, ["zones", "--help"]).output.split())
    for key in ("min_size", "target_size", "min_sc", "target_sc"):
        assert f"[default: {getattr(lma, key)}]" in text, key
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `[solver]`"))
    for value in (solver.time_limit, solver.exact_workers, solver.heuristic_time):
        assert f"default {value:g})" in row or f"default {value:g}," in row, value
    plans = (root / "docs" / "plans.md").read_text(encoding="utf-8")
    for key in ("time_limit", "exact_workers", "heuristic_time", "method"):
        line = next(x for x in plans.splitlines() if x.startswith(f"| `{key}`"))
        value = getattr(solver, key)
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        assert line.rstrip().endswith(f"| {shown} |"), line
    zones = (root / "docs" / "zones.md").read_text(encoding="utf-8")
    assert (f"LabourMarketAreas(min_size={lma.min_size}, target_size={lma.target_size}, "
            f"min_sc={lma.min_sc}, target_sc={lma.target_sc})") in zones


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


def test_solver_and_compute_sections(tmp_path: Path) -> None:
    config = read_config(_config(tmp_path, '''[solver]
time_limit = 5.0
heuristic_time = 2.5
[compute]
workers = 3
scheduler = "tcp://10.0.0.5:8786"
chunk = 64
'''))
    assert config.solver == SolverParams(time_limit=5.0, workers=2, heuristic_time=2.5)
    assert config.solver.given() == {"time_limit": 5.0, "workers": 2, "heuristic_time": 2.5}
    assert config.compute == ComputeParams(workers=3, scheduler="tcp://10.0.0.5:8786", chunk=64)
    assert config.compute.distributed
    assert Config().compute == ComputeParams(workers=1, scheduler=None, chunk=256)
    assert not Config().compute.distributed


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tls://scheduler.example.org:1",
                                     "tcp://[::1]:65535", "ucx://node-7:8786"])
def test_scheduler_addresses_accepted(address: str) -> None:
    assert ComputeParams(scheduler=address).scheduler == address


@pytest.mark.parametrize("address", ["", "127.0.0.1:8786", "tcp://127.0.0.1", "tcp://:8786",
                                     "http://host:8786", "tcp://host:0", "tcp://host:65536",
                                     "tcp://host:8786/extra", "tcp://ho st:8786"])
def test_scheduler_addresses_refused(tmp_path: Path, address: str) -> None:
    path = _config(tmp_path, f'[compute]\nscheduler = "{address}"\n')
    with pytest.raises(InputError) as exc:
        read_config(path)
    [problem] = exc.value.problems
    assert (problem.file, problem.section, problem.key) == (str(path), "compute", "scheduler")
    assert f"'{address}' is not the address of a Dask cluster" in problem.message
    assert "tcp://host:port" in problem.message


def test_every_problem_of_the_compute_and_solver_sections(tmp_path: Path) -> None:
    path = _config(tmp_path, '''[solver]
heuristic_time = 0
[compute]
workers = 0
chunk = 2.5
threads = 4
''')
    with pytest.raises(InputError) as exc:
        read_config(path)
    got = {(p.section, p.key): p.message for p in exc.value.problems}
    assert set(got) == {("solver", "heuristic_time"), ("compute", "workers"),
                        ("compute", "chunk"), ("compute", "threads")}
    assert got[("solver", "heuristic_time")] == "0 is not valid; expected: greater than 0"
    assert got[("compute", "workers")] == ("0 is not valid; expected: greater than or equal "
                                           "to 1")
    assert got[("compute", "chunk")].startswith("2.5 is not valid; expected:")
    assert got[("compute", "threads")] == ("unknown key; known keys are: chunk, scheduler, "
                                           "workers")


def test_cli_compute_options_override_and_are_checked(tmp_path: Path) -> None:
    base = ComputeParams(workers=2, chunk=32)
    assert compute_options(scheduler="tcp://h:8786", base=base) == ComputeParams(
        workers=2, scheduler="tcp://h:8786", chunk=32)
    assert compute_options(workers=1, base=base) == ComputeParams(workers=1, chunk=32)
    assert compute_options() == ComputeParams()
    path = _config(tmp_path, 'out = "out"\n[compute]\nworkers = 2\n')
    result = CliRunner().invoke(cli, ["analyze", str(path), "--scheduler", "nowhere"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: option --scheduler: --scheduler 'nowhere' is not "
                                    "the address of a Dask cluster")
    assert not (tmp_path / "out").exists()
