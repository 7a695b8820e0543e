"""``aimak forecast``: choose a forecast per horizon by nested backtests, calibrate, score.

Settings come from ``--config FILE.toml`` and/or flags (flags win); see docs/forecast.md.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

console = Console()


@click.command("forecast")
@click.option("--config", "config", type=click.Path(path_type=Path), default=None,
              help="TOML settings (keys as the flags, with underscores).")
@click.option("--series", "series", multiple=True, type=click.Path(path_type=Path),
              help="Long table entity, year, variable, value, source[, qc_flag] (repeatable); "
                   "default: the real rayon poverty and WDI series from --source.")
@click.option("--source", type=click.Path(path_type=Path), default=None,
              help="The shared Kyrgyz data folder (default: ../shared/data/kyrgyzstan).")
@click.option("--target", default=None, help="Variable to forecast [poverty_rate_pct].")
@click.option("--driver", "drivers", multiple=True,
              help="National driver variable (repeatable) [the poverty model's].")
@click.option("--entity", "entities", multiple=True, help="Only these entities (repeatable).")
@click.option("--start", type=int, default=None, help="First year of the target to use.")
@click.option("--end", type=int, default=None, help="Last year of the target to use.")
@click.option("--qc", type=click.Choice(["exclude", "use"]), default=None,
              help="Values with a qc_flag: exclude them [exclude] or use them.")
@click.option("--alpha", type=float, default=None, help="1 - interval coverage [0.1].")
@click.option("--horizon", type=int, default=None, help="Years ahead [3].")
@click.option("--backtest/--no-backtest", default=None,
              help="Backtest the whole procedure on earlier origins [on].")
@click.option("--min-origins", type=int, default=None,
              help="Origins a candidate must have beaten the last value over [2].")
@click.option("--calibration-origins", type=int, default=None,
              help="Most recent origins whose errors calibrate the interval [2].")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder [out/forecast].")
def forecast(config: Path | None, series: tuple[Path, ...], drivers: tuple[str, ...],
             entities: tuple[str, ...], **flags) -> None:
    """Choose a forecast per horizon by nested backtests, calibrate its intervals, and score
    the whole procedure against the last published value."""
    from aimak.forecast import candidate_text
    from aimak.forecast.run import ForecastSpec, run, write_outputs

    overrides = {**flags, "series": list(series) or None, "drivers": list(drivers) or None,
                 "entities": list(entities) or None}
    spec = (ForecastSpec.read(config, **overrides) if config else
            ForecastSpec(**{k: v for k, v in overrides.items() if v is not None}))
    with console.status("Choosing, calibrating and backtesting ..."):
        started = time.perf_counter()
        result = run(spec)
        seconds = time.perf_counter() - started
    facts = result.facts
    console.print(f"{facts['entities']} entities, {facts['years']}, "
                  f"{facts['values_used']} values used, {facts['flagged_excluded']} flagged "
                  "values left out")
    console.print(f"Last published year: {result.last_year}; forecasts start after it.")
    picks = Table(title="Chosen per horizon (inner backtest of all the years)")
    for col in ("years ahead", "year", "candidate", "interval half-width"):
        picks.add_column(col)
    for r in result.choices.itertuples():
        picks.add_row(str(r.horizon), str(r.year), candidate_text(r.label, "en"),
                      f"{r.halfwidth:.2f}")
    console.print(picks)
    if result.scores is not None:
        t = Table(title=f"Nested backtest of the whole procedure ({facts['interval']} "
                        "intervals; skill and Diebold-Mariano against the last value)")
        for col in ("years ahead", "origins", "forecasts", "MAE procedure", "MAE last value",
                    "MAE drift", "skill", "coverage", "DM mean diff [95 %]", "DM p"):
            t.add_column(col)
        for r in result.scores.itertuples():
            dm = (f"{r.dm_mean:+.2f} [{r.dm_low:+.2f}, {r.dm_high:+.2f}]"
                  if r.dm_low == r.dm_low else f"{r.dm_mean:+.2f} [too few origins]")
            t.add_row(str(r.horizon), str(r.origins), str(r.forecasts), f"{r.mae_model:.3f}",
                      f"{r.mae_naive:.3f}", f"{r.mae_drift:.3f}", f"{r.skill:.3f}",
                      f"{r.coverage:.3f}", dm, f"{r.dm_p:.2f}" if r.dm_p == r.dm_p else "-")
        console.print(t)
    for sentence in result.verdict:
        console.print(str(sentence))
    console.print(f"Fit, choice and backtest took {seconds:.1f} s")
    for path in write_outputs(result, spec.out, spec.target):
        console.print(f"Wrote {path}")


COMMANDS = [forecast]
