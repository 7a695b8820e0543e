"""Property-based bad-input suite: every file kind the CLI reads, every config section.

Each case damages one valid input (a cell, a key, a column, the bytes) and runs the command on it.
The property: the command either succeeds with the data intact, or exits with status 2 and a
message naming the file (one line per problem), never a traceback, never exit 0 on an input known
to be invalid, and never a partial output. The inputs are a SYNTHETIC 18-settlement dataset (not
real data). ``pytest --hypothesis-show-statistics tests/test_bad_inputs.py`` counts the cases.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from aimak.cli.main import cli
from aimak.config import Config
from aimak.errors import InputError
from test_pipeline import CRITERIA, synthetic_dataset

#: Shrinking is left out: a failing case is reported as generated (shrinking a CLI run through
#: damaged files took minutes), and derandomize keeps the cases the same from run to run.
CASES = settings(max_examples=30, deadline=None, derandomize=True,
                 phases=[Phase.explicit, Phase.reuse, Phase.generate],
                 suppress_health_check=[HealthCheck.too_slow,
                                        HealthCheck.function_scoped_fixture])

#: Cell values no numeric column may accept.
BAD_NUMBERS = ["", " ", "abc", "inf", "-inf", "Infinity", "nan", "NaN", "1e309", "-1", "-0.5",
               "1 2 3", "true", "FALSE", "12abc", "1e3e3", "x" * 5000, "--1", "1..2"]
#: TOML values no numeric setting may accept.
BAD_TOML_NUMBERS = ["inf", "-inf", "nan", "1e309", "-1", "true", "false", '"5"', '""', "[]",
                    "[1, 2]", "{ a = 1 }", '"' + "x" * 3000 + '"', "1979-05-27"]
ODD_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


# ---------------------------------------------------------------- the valid inputs ---------
@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid set of inputs: dataset, travel times, flows, plan, municipal map, criteria,
    config (SYNTHETIC)."""
    from aimak.access import make_model

    folder = tmp_path_factory.mktemp("bad-inputs")
    ds = synthetic_dataset()
    ds.write(folder / "dataset.gpkg")
    times = make_model("straight").fit(ds).matrix()
    times[["origin", "destination", "minutes", "km", "mode"]].to_csv(folder / "times.csv",
                                                                      index=False)
    pop = ds.settlements.set_index("id")["population"]
    near = times[times["minutes"] < 40].copy()
    near["flow"] = (pop.loc[near["origin"]].to_numpy() / 100
                    * np.exp(-0.1 * near["minutes"].to_numpy())).round(2)
    flows = near[["origin", "destination", "flow"]].assign(source="synthetic")
    flows.to_csv(folder / "flows.csv", index=False)
    m = ds.municipalities
    pd.DataFrame({"old_code": m["code"], "new_unit": m["rayon"] + "-" + m["code"].str[-6:-4],
                  "centre": m["centre_id"]}).to_csv(folder / "plan.csv", index=False)
    s = ds.settlements
    pd.DataFrame({"unit": s["id"], "municipality": s["municipality_code"]}).to_csv(
        folder / "munis.csv", index=False)
    ids = list(s["id"])
    pd.DataFrame({"respondent/home": [i.replace(":", "_") for i in ids],
                  "respondent/home_other": "",
                  "svc_health/health_place": [ids[(k + 3) % len(ids)].replace(":", "_")
                                              for k in range(len(ids))],
                  "svc_health/health_freq": "monthly",
                  "svc_market/market_place": "other",
                  "svc_market/market_other": [f"Village {i[4:]}" for i in ids],
                  "svc_market/market_freq": "weekly"}).to_csv(folder / "export.csv",
                                                              index=False)
    pd.DataFrame({"value": ["Vilage 001", "Село 01"], "settlement_id": ["syn:001", ""]}).to_csv(
        folder / "corrections.csv", index=False)
    (folder / "criteria.toml").write_text(CRITERIA, encoding="utf-8")
    (folder / "norms.toml").write_text("[admin]\nbase_staff = 6.0\nstaff_per_1000 = 0.4\n",
                                       encoding="utf-8")
    (folder / "analysis.toml").write_text(CONFIG, encoding="utf-8")
    return folder


CONFIG = """out = "out"
lang = "en"
title = "Synthetic"
dataset = "dataset.gpkg"
oblast = "Synthetic"
observed_flows = ["flows.csv"]
formats = ["html", "xlsx"]

[access]
mode = "straight"
circuity = 1.4
speed_kmh = 35.0

[flows]
beta = 0.1
alpha = 1.0
max_minutes = 90.0

[zones]
method = "lma"
min_size = 1000
target_size = 4000
min_sc = 0.5
target_sc = 0.7

[plans]
synthetic = "criteria.toml"
moderate = "moderate"

[solver]
time_limit = 10.0
heuristic_time = 5.0

[compute]
workers = 1
chunk = 64

[forecast]
enabled = false
horizon_year = 2030
"""


# ---------------------------------------------------------------- the property -------------
def run(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args, catch_exceptions=True)


def assert_clean(result: Result, file: Path, outputs: list[Path], invalid: bool,
                 intact: Callable[[], None]) -> None:
    """Success with the data intact, or exit 2 naming the file; no traceback, no half output."""
    text = result.output
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed and "Traceback" not in text, (
        f"{type(result.exception).__name__}: {result.exception}\n{text}")
    if result.exit_code == 0:
        assert not invalid, f"invalid input accepted without a word:\n{text}"
        intact()
        return
    assert result.exit_code == 2, text
    assert text.startswith("Error: "), text
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) > 1:  # several problems: a header, then one line per problem
        assert lines[0].rstrip().endswith("problems in the input:"), text
        lines = [ln for ln in lines[1:] if not ln.strip().startswith("...")]
    assert all(file.name in ln for ln in lines), f"the file {file.name} is not named:\n{text}"
    assert all(len(ln) < 600 for ln in lines), "a message quotes too much"
    left = [p for p in outputs if p.exists()]
    left += [p for o in outputs for p in o.parent.glob(f".{o.stem}*")]
    assert not left, f"partial output left behind: {left}"


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")


def _is_number(text: str, minimum: float | None = 0.0) -> bool:
    """Oracle independent of aimak: a plain decimal (point or comma), finite, >= minimum."""
    import re

    t = text.strip()
    if not re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?", t):
        return False
    value = float(t.replace(",", "."))
    return math.isfinite(value) and (minimum is None or value >= minimum)


# A damage to a CSV table: (kind, row, column, value).
damage = st.one_of(
    st.tuples(st.just("cell"), st.integers(0, 200), st.integers(0, 10),
              st.one_of(st.sampled_from(BAD_NUMBERS), ODD_TEXT)),
    st.tuples(st.sampled_from(["drop_column", "rename_column", "header_only", "empty_file",
                               "not_utf8", "extra_column", "duplicate_row", "short_row",
                               "binary"]),
              st.integers(0, 200), st.integers(0, 10), st.just("")),
)


def damaged_csv(src: Path, dst: Path, case: tuple, numeric: dict[str, float | None],
                required: set[str]) -> tuple[bool, str | None]:
    """Write ``src`` damaged by ``case`` to ``dst``; return (known invalid, column touched)."""
    kind, r, c, value = case
    header, rows = _csv_rows(src)
    r, c = r % len(rows), c % len(header)
    col = header[c]
    invalid = False
    if kind == "cell":
        rows[r][c] = value
        if col in numeric:
            invalid = not _is_number(value, numeric[col]) and not (
                col not in required and value.strip() == "")
        elif col in required:
            invalid = value.strip() == ""
    elif kind == "drop_column":
        header, rows = header[:c] + header[c + 1:], [x[:c] + x[c + 1:] for x in rows]
        invalid = col in required
    elif kind == "rename_column":
        header[c] = header[c] + "_renamed"
        invalid = col in required
    elif kind == "header_only":
        rows, invalid = [], True
    elif kind == "extra_column":
        header, rows = [*header, "note"], [[*x, "n"] for x in rows]
    elif kind == "duplicate_row":
        rows.insert(r, list(rows[r]))
    elif kind == "short_row":
        rows[r] = rows[r][:1]
        invalid = len(header) > 1 and any(h in required for h in header[1:])
    if kind == "empty_file":
        dst.write_bytes(b"")
        return True, None
    if kind == "not_utf8":
        dst.write_bytes(src.read_bytes().replace(b"\n", b"\n\xff\xfe", 1))
        return True, None
    if kind == "binary":
        dst.write_bytes(bytes(range(256)) * 3)
        return True, None
    _write_csv(dst, header, rows)
    return invalid, col


def _tmp() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="aimak-bad-")


# ---------------------------------------------------------------- flows tables -------------
FLOW_NUMERIC = {"flow": 0.0}
FLOW_REQUIRED = {"origin", "destination", "flow"}


def _zones_intact(flows: Path, out: Path) -> Callable[[], None]:
    def check() -> None:
        frame = pd.read_csv(flows, dtype=str, keep_default_na=False)
        ids = {x.strip() for x in pd.concat([frame["origin"], frame["destination"]])}
        got = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert set(got["unit"]) == ids  # every unit of the flows, no other
        assert got["zone"].str.fullmatch(r"\d+").all()
    return check


@CASES
@given(case=damage)
def test_flows_csv_for_zones(base: Path, case: tuple) -> None:
    with _tmp() as d:
        d = Path(d)
        flows, out = d / "flows.csv", d / "zones.csv"
        invalid, _col = damaged_csv(base / "flows.csv", flows, case, FLOW_NUMERIC, FLOW_REQUIRED)
        result = run(["zones", "--flows", str(flows), "--method", "nodal", "--out", str(out)])
        assert_clean(result, flows, [out, d / "zones_summary.csv"], invalid,
                     _zones_intact(flows, out))


@CASES
@given(value=st.one_of(st.sampled_from([math.inf, -math.inf, math.nan, -1.0, 1e308 * 10]),
                       st.sampled_from(BAD_NUMBERS), ODD_TEXT),
       row=st.integers(0, 200), kind=st.sampled_from(["parquet", "xlsx"]))
def test_flows_parquet_and_xlsx_for_zones(base: Path, value: object, row: int,
                                          kind: str) -> None:
    frame = pd.read_csv(base / "flows.csv", dtype={"origin": str, "destination": str})
    frame["flow"] = frame["flow"].astype(object)
    frame.loc[row % len(frame), "flow"] = value
    if kind == "xlsx" and isinstance(value, str):
        value = value.replace("\x00", "")  # XLSX cannot hold NUL at all
        frame.loc[row % len(frame), "flow"] = value
    invalid = not (isinstance(value, float) and math.isfinite(value) and value >= 0) and not (
        isinstance(value, str) and _is_number(value))
    with _tmp() as d:
        d = Path(d)
        path, out = d / f"flows.{kind}", d / "zones.csv"
        try:
            if kind == "parquet":
                frame.astype({"flow": str if isinstance(value, str) else float}).to_parquet(path)
            else:
                frame.to_excel(path, index=False)
        except Exception:  # a value the format itself cannot hold: nothing to test
            return
        result = run(["zones", "--flows", str(path), "--method", "nodal", "--out", str(out)])
        assert_clean(result, path, [out], invalid, lambda: None)


@CASES
@given(kind=st.sampled_from(["parquet", "xlsx", "gpkg"]), cut=st.floats(0, 1),
       flip=st.integers(0, 10**9), how=st.sampled_from(["truncate", "flip", "garbage"]))
def test_corrupt_binary_files(base: Path, kind: str, cut: float, flip: int, how: str) -> None:
    """Corrupt Parquet, XLSX and GeoPackage files: an error naming the file, or (when the damage
    missed everything that matters) a correct result."""
    with _tmp() as d:
        d = Path(d)
        good = d / f"good.{kind}"
        if kind == "gpkg":
            good.write_bytes((base / "dataset.gpkg").read_bytes())
        else:
            frame = pd.read_csv(base / "flows.csv", dtype={"origin": str, "destination": str})
            frame.to_parquet(good) if kind == "parquet" else frame.to_excel(good, index=False)
        data = bytearray(good.read_bytes())
        if how == "truncate":
            data = data[: int(len(data) * cut)]
        elif how == "flip":
            for k in range(16):
                data[(flip + 7919 * k) % len(data)] ^= 0xFF
        else:
            data = bytearray(b"PK\x03\x04" + bytes(range(256)) * 2)
        path = d / f"bad.{kind}"
        path.write_bytes(bytes(data))
        if kind == "gpkg":
            result = run(["data", "info", str(path)])
            assert_clean(result, path, [], False, lambda: None)
        else:
            out = d / "zones.csv"
            result = run(["zones", "--flows", str(path), "--method", "nodal", "--out", str(out)])
            assert_clean(result, path, [out], how == "garbage" or len(data) == 0, lambda: None)


# ---------------------------------------------------------------- travel times -------------
TIME_NUMERIC = {"minutes": 0.0, "km": 0.0}
TIME_REQUIRED = {"origin", "destination", "minutes"}


@CASES
@given(case=damage)
def test_times_csv_for_flows_model(base: Path, case: tuple) -> None:
    with _tmp() as d:
        d = Path(d)
        times, out = d / "times.csv", d / "flows.csv"
        invalid, col = damaged_csv(base / "times.csv", times, case, TIME_NUMERIC, TIME_REQUIRED)
        if case[0] == "cell" and col in ("origin", "destination") and case[3].strip():
            invalid = True  # not a settlement of the dataset (the ids are 'syn:...')
        if case[0] == "cell" and col == "mode" and case[3].strip() not in (
                "", "terrain", "roads", "straight"):
            invalid = True
        if case[0] == "duplicate_row":
            invalid = True  # a pair given twice is an error, not "the last row wins"

        def intact() -> None:
            got = pd.read_csv(out, dtype={"origin": str, "destination": str})
            ds_ids = set(synthetic_dataset().settlements["id"])
            assert set(got["origin"]) <= ds_ids and np.isfinite(got["flow"]).all()
            assert (got["flow"] >= 0).all()

        if case[0] == "cell" and col in ("origin", "destination") and \
                case[3].strip().startswith("syn:"):
            return  # might name another settlement of the dataset: not known to be invalid
        result = run(["flows", "model", "--dataset", str(base / "dataset.gpkg"), "--times",
                      str(times), "--no-calibrate", "--out", str(out)])
        assert_clean(result, times, [out, d / "flows_fit.json"], invalid, intact)


@CASES
@given(case=damage)
def test_times_csv_for_evaluate(base: Path, case: tuple) -> None:
    """``evaluate`` reads travel times with the same reader and the same validation."""
    with _tmp() as d:
        d = Path(d)
        times, out = d / "times.csv", d / "indicators.xlsx"
        invalid, col = damaged_csv(base / "times.csv", times, case, TIME_NUMERIC, TIME_REQUIRED)
        if case[0] == "duplicate_row":
            invalid = True
        if case[0] == "cell" and col in ("origin", "destination", "mode"):
            return  # covered by the flows-model property
        result = run(["evaluate", "--dataset", str(base / "dataset.gpkg"), "--times",
                      str(times), "--criteria", str(base / "criteria.toml"), "--out", str(out)])
        assert_clean(result, times, [out], invalid, exists(out))


# ---------------------------------------------------------------- plans, maps --------------
@CASES
@given(case=damage)
def test_plan_csv_for_evaluate(base: Path, case: tuple) -> None:
    with _tmp() as d:
        d = Path(d)
        plan, out = d / "plan.csv", d / "indicators.xlsx"
        invalid, col = damaged_csv(base / "plan.csv", plan, case, {}, {"old_code", "new_unit"})
        if case[0] == "cell" and col == "old_code":
            invalid = True  # any change makes an unknown code or a missing municipality
        if case[0] == "cell" and col == "centre" and case[3].strip():
            invalid = True  # not a settlement of that unit
        if case[0] in ("duplicate_row", "short_row"):
            invalid = True

        def intact() -> None:
            import openpyxl

            sheets = openpyxl.load_workbook(out, read_only=True).sheetnames
            assert len(sheets) >= 2

        result = run(["evaluate", "--dataset", str(base / "dataset.gpkg"), "--times",
                      str(base / "times.csv"), "--criteria", str(base / "criteria.toml"),
                      "--plan", str(plan), "--out", str(out)])
        assert_clean(result, plan, [out], invalid, intact)


@CASES
@given(case=damage)
def test_municipal_map_for_zones(base: Path, case: tuple) -> None:
    with _tmp() as d:
        d = Path(d)
        munis, out = d / "munis.csv", d / "zones.csv"
        invalid, _col = damaged_csv(base / "munis.csv", munis, case, {}, {"unit", "municipality"})
        result = run(["zones", "--flows", str(base / "flows.csv"), "--method", "nodal",
                      "--municipalities", str(munis), "--out", str(out)])
        assert_clean(result, munis, [out], invalid, _zones_intact(base / "flows.csv", out))


# ---------------------------------------------------------------- survey exports -----------
@CASES
@given(case=damage, table=st.sampled_from(["export.csv", "corrections.csv"]))
def test_survey_export_and_corrections(base: Path, case: tuple, table: str) -> None:
    """A damaged answer is listed in the matching report (not dropped); a damaged file or a
    correction naming no settlement is an error naming the file."""
    with _tmp() as d:
        d = Path(d)
        path, out = d / table, d / "surveyed.csv"
        required = ({"respondent/home"} if table == "export.csv"
                    else {"value", "settlement_id"})
        invalid, col = damaged_csv(base / table, path, case, {}, required)
        if table == "corrections.csv":
            if case[0] == "cell" and col == "settlement_id":
                invalid = case[3].strip() not in ("", "syn:001") and not \
                    case[3].strip().startswith("syn:")
            elif case[0] in ("cell", "short_row"):
                invalid = False  # any value may be corrected; a blank id is undecided
            export, corrections = base / "export.csv", ["--corrections", str(path)]
        else:
            invalid = invalid and case[0] != "cell"  # a bad answer is reported, not fatal
            export, corrections = path, []
        if case[0] in ("drop_column", "rename_column") and col == "respondent/home_other":
            invalid = False

        def intact() -> None:
            report = pd.read_csv(d / "surveyed_matching.csv", dtype=str)
            flows = pd.read_csv(out, dtype=str)
            assert len(report) > 0 and set(flows["source"]) <= {"surveyed"}

        result = run(["survey", "ingest", str(export), "--dataset", str(base / "dataset.gpkg"),
                      "--out", str(out), *corrections])
        assert_clean(result, path, [out, d / "surveyed_matching.csv"], invalid, intact)


# ---------------------------------------------------------------- TOML files ---------------
def _set_key(text: str, section: str | None, key: str, value: str) -> str:
    """The TOML text with ``key`` of ``section`` set to ``value`` (added when absent)."""
    lines, out, current, done = text.splitlines(), [], None, False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            if current == section and not done:
                out.append(f"{key} = {value}")
                done = True
            current = stripped[1:-1]
            if section is None and not done:
                out.insert(0, f"{key} = {value}")
                done = True
        elif "=" in line and current == section and line.split("=")[0].strip() == key:
            out.append(f"{key} = {value}")
            done = True
            continue
        out.append(line)
    if not done:
        out.append(f"{key} = {value}")
    return "\n".join(out) + "\n"


#: Every key of every config section, and whether a number (with its minimum, exclusive?).
CONFIG_KEYS: list[tuple[str | None, str, tuple[float, bool] | None]] = [
    (None, "out", None), (None, "lang", None), (None, "title", None), (None, "dataset", None),
    (None, "oblast", None), (None, "observed_flows", None), (None, "formats", None),
    ("access", "mode", None), ("access", "circuity", (1.0, False)),
    ("access", "speed_kmh", (0.0, True)),
    ("flows", "beta", (0.0, True)), ("flows", "alpha", (0.0, False)),
    ("flows", "max_minutes", (0.0, True)), ("flows", "snap_distance", (0.0, False)),
    ("flows", "decay", None), ("flows", "calibrate", None),
    ("zones", "method", None), ("zones", "min_size", (0.0, False)),
    ("zones", "target_size", (0.0, False)), ("zones", "min_sc", (0.0, False)),
    ("zones", "target_sc", (0.0, False)),
    ("plans", "synthetic", None), ("plans", "moderate", None),
    ("solver", "time_limit", (0.0, True)), ("solver", "workers", (1.0, False)),
    ("solver", "heuristic_time", (0.0, True)),
    ("compute", "workers", (1.0, False)), ("compute", "chunk", (1.0, False)),
    ("compute", "scheduler", None), ("compute", "no_such_key", None),
    ("forecast", "enabled", None), ("forecast", "horizon_year", (2000.0, False)),
    ("forecast", "min_origins", (1.0, False)), ("forecast", "drivers", None),
    ("forecast", "no_such_key", None),
    ("zones", "no_such_key", None), ("flows", "no_such_key", None),
    ("solver", "no_such_key", None), ("access", "no_such_key", None), (None, "no_such", None),
]
TOML_VALUES = st.one_of(st.sampled_from(BAD_TOML_NUMBERS),
                        st.sampled_from(['"terrain"', '"roads"', '"nodal"', '"leiden"',
                                         '"ky"', '"xx"', '["pdf"]', '["docx"]',
                                         '"missing.gpkg"', '"accessibility"', '"nope"',
                                         '["missing.csv"]', "0", "0.5", "3", "5000", "2.0",
                                         '"tcp://127.0.0.1:8786"', '"tcp://scheduler:0"',
                                         '"localhost:8786"', '"tls://[::1]:8786"']),
                        ODD_TEXT.map(lambda t: toml_string(t)))


def _toml_value(value: str) -> object:
    """``value`` as TOML reads it, or None when it is not a TOML value."""
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return None


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` (JSON's escapes are TOML's, but for DEL)."""
    import json

    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def exists(path: Path) -> Callable[[], None]:
    def check() -> None:
        assert path.exists(), f"the command succeeded but wrote no {path.name}"
    return check


def _config_invalid(section: str | None, key: str, value: str,
                    numeric: tuple[float, bool] | None) -> bool:
    """Known invalid by an oracle of its own: unknown keys, and numbers that are no numbers."""
    if key.startswith("no_such"):
        return True
    if (section, key) == ("compute", "scheduler"):  # a scheme, a host and a port from 1
        parsed = _toml_value(value)
        return not (isinstance(parsed, str) and re.fullmatch(
            r"(tcp|tls|ucx|wss?)://(\[[0-9a-f:.]+\]|[a-z0-9][a-z0-9._-]*):\d{1,5}",
            parsed, re.IGNORECASE) is not None and 0 < int(parsed.rsplit(":", 1)[1]) < 65536)
    if numeric is None:
        return False
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return True
    if isinstance(parsed, bool) or not isinstance(parsed, int | float):
        return True
    low, exclusive = numeric
    return not math.isfinite(parsed) or parsed < low or (exclusive and parsed == low)


@CASES
@given(where=st.sampled_from(CONFIG_KEYS), value=TOML_VALUES)
def test_every_config_section(base: Path, where: tuple, value: str) -> None:
    """The whole config is checked before any work: a bad key fails at once, naming the file,
    the section and the key; a config that passes holds exactly what the file says."""
    section, key, numeric = where
    with _tmp() as d:
        d = Path(d)
        for name in ("dataset.gpkg", "flows.csv", "criteria.toml"):
            (d / name).symlink_to(base / name)
        path = d / "analysis.toml"
        path.write_text(_set_key(CONFIG, section, key, value), encoding="utf-8")
        invalid = _config_invalid(section, key, value, numeric)
        try:
            config = Config.read(path)
        except InputError as exc:
            assert all(p.file == str(path) for p in exc.problems), str(exc)
            # the oracle of a scheduler address is exact: a valid one is never refused
            assert invalid or (section, key) != ("compute", "scheduler"), str(exc)
            where_named = [p for p in exc.problems if p.key or p.section]
            assert where_named or "TOML" in str(exc), str(exc)
            # the CLI says the same, before any work: no output folder is made
            result = run(["analyze", str(path)])
            assert_clean(result, path, [d / "out"], True, lambda: None)
            for p in exc.problems:  # the console shows the section and key as the file does
                assert not p.section or f"section [{p.section}]" in result.output
                assert not p.key or f"key '{p.key}'" in result.output
            return
        assert not invalid, f"{section}.{key} = {value} accepted"
        if numeric is not None and section == "forecast":
            assert config.forecast[key] == tomllib.loads(f"v = {value}")["v"]
        elif numeric is not None and section is not None:
            parsed = tomllib.loads(f"v = {value}")["v"]
            assert getattr(getattr(config, section), key) == parsed  # kept as written
        elif (section, key) == ("compute", "scheduler"):
            assert config.compute.scheduler == _toml_value(value)


@CASES
@given(where=st.sampled_from([
    ("criteria", "min_population", (0.0, False)), ("criteria", "max_minutes", (0.0, False)),
    ("criteria", "max_km", (0.0, False)), ("criteria", "service_radius_m", (0.0, False)),
    ("criteria", "max_units", (1.0, False)), ("criteria", "centre_services", None),
    ("criteria", "stay_within", None), ("criteria", "contiguity", None),
    ("criteria", "must_merge", None), ("objective", "travel", (-math.inf, False)),
    ("objective", "balance_on", None), ("criteria", "no_such_key", None),
    ("admin", "base_staff", (0.0, False)), ("admin", "staff_per_1000", (0.0, False)),
    ("admin", "currency", None), ("admin", "no_such_key", None)]),
    value=TOML_VALUES)
def test_criteria_and_norms_toml(base: Path, where: tuple, value: str) -> None:
    section, key, numeric = where
    norms = section == "admin"
    with _tmp() as d:
        d = Path(d)
        path = d / ("norms.toml" if norms else "criteria.toml")
        text = (base / path.name).read_text(encoding="utf-8")
        path.write_text(_set_key(text, section, key, value), encoding="utf-8")
        invalid = _config_invalid(section, key, value, numeric)
        if numeric and key == "max_units" and not invalid:
            invalid = not isinstance(tomllib.loads(f"v = {value}")["v"], int)
        out = d / "indicators.xlsx"
        args = ["evaluate", "--dataset", str(base / "dataset.gpkg"), "--times",
                str(base / "times.csv"), "--out", str(out)]
        args += (["--norms", str(path), "--criteria", str(base / "criteria.toml")] if norms
                 else ["--criteria", str(path)])
        result = run(args)
        assert_clean(result, path, [out], invalid, exists(out))


@pytest.mark.parametrize("kind", ["analysis.toml", "criteria.toml", "norms.toml"])
@pytest.mark.parametrize("damage_kind", ["not_utf8", "broken", "empty_table_value"])
def test_toml_files_damaged_as_a_whole(base: Path, kind: str, damage_kind: str) -> None:
    with _tmp() as d:
        d = Path(d)
        for name in ("dataset.gpkg", "flows.csv", "criteria.toml"):
            (d / name).symlink_to(base / name)
        path = d / f"bad-{kind}"
        good = (base / kind).read_bytes()
        path.write_bytes({"not_utf8": good.replace(b"\n", b"\n# \xe9t\xe9\n", 1),
                          "broken": good + b"\n[zones\nmethod = ",
                          "empty_table_value": b"plans = 5\n[criteria]\n"}[damage_kind])
        out = d / "indicators.xlsx"
        if kind == "analysis.toml":
            result = run(["analyze", str(path)])
            outputs = [d / "out"]
        else:
            flag = "--norms" if kind == "norms.toml" else "--criteria"
            result = run(["evaluate", "--dataset", str(base / "dataset.gpkg"), "--times",
                          str(base / "times.csv"), flag, str(path), "--out", str(out)])
            outputs = [out]
        assert_clean(result, path, outputs, True, lambda: None)


# ---------------------------------------------------------------- datasets -----------------
@CASES
@given(layer=st.sampled_from(["settlements", "municipalities", "facilities", "oblasts"]),
       column=st.sampled_from(["population", "kind", "id", "code", "name_en", "type",
                               "is_municipal_centre", "population_year"]),
       value=st.one_of(st.sampled_from([math.inf, -math.inf, math.nan, -1.0, 1e308 * 10]),
                       st.sampled_from(BAD_NUMBERS)),
       row=st.integers(0, 20))
def test_dataset_layers(base: Path, layer: str, column: str, value: object, row: int) -> None:
    import geopandas as gpd
    import pyogrio

    with _tmp() as d:
        d = Path(d)
        path = d / "dataset.gpkg"
        layers = {name: gpd.read_file(base / "dataset.gpkg", layer=name)
                  for name, _ in pyogrio.list_layers(base / "dataset.gpkg")
                  if name not in ("notes", "sources")}
        frame = layers[layer]
        if column not in frame.columns:
            return
        frame[column] = frame[column].astype(object)
        frame.loc[row % len(frame), column] = value
        try:
            for name, f in layers.items():
                f.to_file(path, layer=name, driver="GPKG")
        except Exception:  # a value GeoPackage cannot hold in that column: nothing to test
            return
        result = run(["data", "info", str(path)])
        numeric = column in ("population", "population_year")
        invalid = numeric and not (isinstance(value, float) and math.isfinite(value)
                                   and value >= 0 and (column == "population"
                                                       or value >= 1900))
        invalid |= column in ("population_year",) and isinstance(value, str) and not (
            _is_number(value) and float(value.replace(",", ".")) >= 1900)
        assert_clean(result, path, [], invalid, lambda: None)


def test_empty_oblasts_layer_and_projected_dataset(base: Path, tmp_path: Path) -> None:
    """An empty oblasts layer is a one-line error; a dataset correctly declared in UTM metres
    reads as the same points (not 'latitude and longitude swapped?')."""
    import geopandas as gpd
    import pyogrio

    from aimak.dataset import Dataset

    names = [n for n, _ in pyogrio.list_layers(base / "dataset.gpkg")
             if n not in ("notes", "sources")]
    utm = tmp_path / "utm.gpkg"
    for name in names:
        gpd.read_file(base / "dataset.gpkg", layer=name).to_crs(32643).to_file(
            utm, layer=name, driver="GPKG")
    got = Dataset.read(utm).settlements
    want = Dataset.read(base / "dataset.gpkg").settlements
    assert np.allclose(got.geometry.x, want.geometry.x, atol=1e-7)
    assert np.allclose(got.geometry.y, want.geometry.y, atol=1e-7)
    empty = tmp_path / "empty.gpkg"
    for name in names:
        frame = gpd.read_file(base / "dataset.gpkg", layer=name)
        (frame.iloc[:0] if name == "oblasts" else frame).to_file(empty, layer=name,
                                                                 driver="GPKG")
    result = run(["data", "info", str(empty)])
    assert_clean(result, empty, [], True, lambda: None)
    assert "oblasts" in result.output


# ---------------------------------------------------------------- command-line numbers ---------
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e309", "-1"])
@pytest.mark.parametrize("command,option", [
    ("zones", "--min-size"), ("zones", "--target-sc"), ("zones", "--resolution"),
    ("access", "--speed"), ("access", "--circuity"), ("access", "--cutoff"),
    ("flows", "--beta"), ("flows", "--max-minutes"), ("flows", "--snap-distance"),
    ("flows", "--min-flow"), ("amalgamate", "--time-limit")])
def test_command_line_numbers_are_checked(base: Path, tmp_path: Path, command: str,
                                          option: str, value: str) -> None:
    """Click reads 'nan' and 'inf' as floats: the parameter objects reject them (and negative
    values) before any work, naming the option."""
    out = tmp_path / ("out.csv" if command != "amalgamate" else "plan.csv")
    ds, times = str(base / "dataset.gpkg"), str(base / "times.csv")
    method = ["--method", "leiden"] if option == "--resolution" else []
    args = {"zones": ["zones", "--flows", str(base / "flows.csv"), *method],
            "access": ["access", "--dataset", ds, "--mode", "straight"],
            "flows": ["flows", "model", "--dataset", ds, "--times", times],
            "amalgamate": ["amalgamate", "--dataset", ds, "--times", times]}[command]
    result = run([*args, option, value, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: option {option}: "), result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()
