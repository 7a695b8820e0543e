"""``aimak forecast``: fit an ARDL model, backtest it against naive forecasts, and forecast.

Settings come from ``--config FILE.toml`` and/or flags (flags win); see docs/forecast.md.
"""

from __future__ import annotations

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
@click.option("--driver", "drivers", multiple=True, help="Driver variable (repeatable).")
@click.option("--entity", "entities", multiple=True, help="Only these entities (repeatable).")
@click.option("--start", type=int, default=None, help="First year of the target to use.")
@click.option("--end", type=int, default=None, help="Last year of the target to use.")
@click.option("--panel/--single", default=None,
              help="Pool the entities with entity effects [panel], or fit one entity.")
@click.option("--max-lags", type=int, default=None, help="Most lags of the target tried [1].")
@click.option("--max-driver-lags", type=int, default=None,
              help="Most lags of each driver tried [1].")
@click.option("--ic", type=click.Choice(["bic", "aic", "hqic"]), default=None,
              help="Information criterion for the lag orders [bic].")
@click.option("--trend", type=click.Choice(["c", "ct"]), default=None,
              help="Constant, or constant and trend (single series) [c].")
@click.option("--bounds-test", is_flag=True, default=None,
              help="Test for a long-run relation (single series with drivers).")
@click.option("--qc", type=click.Choice(["exclude", "use"]), default=None,
              help="Values with a qc_flag: exclude them [exclude] or use them (counted).")
@click.option("--allow-gaps", is_flag=True, default=None,
              help="Panel: leave out rows whose lag year is missing instead of refusing.")
@click.option("--alpha", type=float, default=None, help="1 - interval coverage [0.1].")
@click.option("--horizon", type=int, default=None, help="Years to forecast [5].")
@click.option("--scenario", default=None,
              help="Driver path: hold, trend, or a long table of future values [hold].")
@click.option("--backtest-horizon", type=int, default=None,
              help="Years ahead scored in the backtest; 0 skips it [3].")
@click.option("--backtest-drivers", type=click.Choice(["hold", "trend", "actual"]),
              default=None, help="Drivers after each origin: as a forecast would extend them "
                                 "[hold], or their actual values (ex post).")
@click.option("--first-origin", type=int, default=None, help="First backtest origin year.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder [out/forecast].")
def forecast(config: Path | None, series: tuple[Path, ...], drivers: tuple[str, ...],
             entities: tuple[str, ...], **flags) -> None:
    """Fit, backtest and forecast a yearly indicator (ARDL; panel with entity effects)."""
    from aimak.forecast.run import ForecastSpec, run, write_outputs

    overrides = {**flags, "series": list(series) or None, "drivers": list(drivers) or None,
                 "entities": list(entities) or None}
    spec = (ForecastSpec.read(config, **overrides) if config else
            ForecastSpec(**{k: v for k, v in overrides.items() if v is not None}))
    with console.status("Fitting and backtesting ..."):
        result = run(spec)
    facts = result.facts
    console.print(f"[bold]{facts['method']}[/]: {facts['observations']} observations, "
                  f"{facts['flagged_excluded']} flagged values left out, "
                  f"{facts['rows_left_out']} rows without their lag year")
    if facts.get("bounds_test"):
        bt = facts["bounds_test"]
        console.print(f"Bounds test: F = {bt['statistic']:.2f}, p between {bt['p_lower']:.3f} "
                      f"and {bt['p_upper']:.3f}: {bt['verdict']}")
    coef = Table(title="Coefficients (entity effects not shown)")
    for col in ("term", "coefficient", "std. error"):
        coef.add_column(col)
    for term, row in result.coefficients.iterrows():
        coef.add_row(str(term), f"{row['coefficient']:.4f}", f"{row['std_error']:.4f}")
    console.print(coef)
    if result.scores is not None:
        t = Table(title=f"Backtest (drivers: {facts['backtest_drivers']})")
        for col in ("horizon", "forecasts", "MAE model", "MAE naive", "MAE drift",
                    "MAPE model %", "MAPE naive %", "skill", "coverage"):
            t.add_column(col)
        for r in result.scores.itertuples():
            t.add_row(str(r.horizon), str(r.forecasts), f"{r.mae_model:.3f}",
                      f"{r.mae_naive:.3f}", f"{r.mae_drift:.3f}", f"{r.mape_model:.1f}",
                      f"{r.mape_naive:.1f}", f"{r.skill:.3f}", f"{r.coverage:.2f}")
        console.print(t)
    console.print(f"[bold]{result.verdict}[/]")
    for path in write_outputs(result, spec.out, f"{spec.target}: {facts['method']}"):
        console.print(f"Wrote {path}")


COMMANDS = [forecast]
