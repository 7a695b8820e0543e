"""The pipeline's forecast step and the report's forecast section, on SYNTHETIC files shaped like
the shared census, poverty and WDI files (not real data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aimak.cache import Cache
from aimak.config import Config
from aimak.forecast.data import WDI_VARIABLES
from aimak.pipeline import _forecasts
from aimak.report import PlanReport, ReportInputs, write_report
from test_pipeline import synthetic_dataset

GROWTH = 1.1 ** (1 / 13)  # Synthetic rayon: 100,000 (2009 census) -> 110,000 (2022 census)


def write_sources(folder: Path) -> None:
    """Census, poverty and WDI files in the shared files' formats, all synthetic."""
    folder.mkdir()
    (folder / "rayon_population_census.csv").write_text(
        "rayon,oblast,soate_code,year,population,kind,source_url\n"
        "Synthetic,Synthetic,1,2009,100000,census,synthetic (test)\n"
        "Synthetic,Synthetic,1,2022,110000,census,synthetic (test)\n", encoding="utf-8")
    rng = np.random.default_rng(3)
    rows = []
    for i, name in enumerate(["Synthetic", "Other A", "Other B", "Other C", "Other D"]):
        y = 30.0 + 5 * i
        for year in [*range(2011, 2019), 2020]:
            y = 0.8 * y + 2 + i + rng.normal(scale=0.5)
            rows.append((f"417{i}", name, "Synthetic", year, round(y, 2), f"417{i}", ""))
    pd.DataFrame(rows, columns=["soate_rayon", "district", "province", "year",
                                "poverty_rate_pct", "adm2_code_as_given", "qc_flag"]).to_csv(
        folder / "rayon_poverty_2011_2020.csv", index=False)
    years = np.arange(1990, 2025)
    wdi = pd.DataFrame({"year": years})
    for k, name in enumerate(WDI_VARIABLES):
        wdi[name] = 100.0 + k + np.sin(years + k) * 3
    wdi["population"] = 5e6 * 1.02 ** (years - 1990)
    wdi["rural_population"] = 3e6 * 1.01 ** (years - 1990)
    wdi.to_csv(folder / "national_series_wdi.csv", index=False)


@pytest.fixture(scope="module")
def section(tmp_path_factory):
    base = tmp_path_factory.mktemp("forecast")
    write_sources(base / "src")
    ds = synthetic_dataset()
    codes = sorted(ds.municipalities["code"])
    mapping = pd.DataFrame({"old_code": codes, "new_unit": ["U1", "U1", "U1", "U2", "U2",
                                                            "U2"]})
    units = pd.DataFrame({"new_unit": ["U1", "U2"], "population": [6900.0, 6900.0]})
    plans = {"p": {"title": "Synthetic plan", "mapping": mapping, "units": units,
                   "criteria": {"min_population": 8000}, "summary": {}}}
    config = Config(out=base / "out", lang="en", source=base / "src",
                    forecast={"enabled": True, "horizon_year": 2030})
    result = _forecasts(config, ds, plans, Cache(base / "out" / "cache"))
    return result, plans, ds, config


def test_projected_population_joins_each_plan(section):
    result, plans, _, _ = section
    units = plans["p"]["units"].set_index("new_unit")
    # 3 municipalities x (1500 + 400 + 400) inhabitants in 2018, grown 12 years at the rayon rate
    assert units.loc["U1", "projected_population"] == pytest.approx(6900 * GROWTH ** 12)
    assert not units["below_minimum_projected"].any()  # below 8000 today too: not a fall
    assert result["projection"]["year"] == 2030
    assert result["projection"]["methods"] == [
        f"rayon growth census 2009 - census 2022 ({100 * (GROWTH - 1):.2f} %/yr)"]


def test_poverty_forecast_is_made_for_the_region(section):
    result, *_ = section
    assert result["shown"] == ["Synthetic"]
    fc = pd.DataFrame(result["forecast"])
    assert set(fc["entity"]) == {"Synthetic"} and fc["year"].tolist() == [2021, 2022, 2023]
    assert result["facts"]["last_year"] == 2020
    assert len(result["scores"]) == 3 and result["chart"].startswith("<svg")
    assert result["facts"]["entities"] == 5


def test_report_shows_the_forecast_section(section, tmp_path):
    result, plans, ds, _ = section
    reports = {k: PlanReport(title=p["title"], mapping=p["mapping"], units=p["units"],
                             criteria=p["criteria"]) for k, p in plans.items()}
    files = write_report(ReportInputs(dataset=ds, plans=reports, lang="en", synthetic=True,
                                      forecast=result), tmp_path, formats=("html",))
    html = files["html"].read_text(encoding="utf-8")
    assert 'id="forecast"' in html and "Population of the proposed units in 2030" in html
    assert "Projected population" in html and "Below the minimum when projected" in html
    said = ("The model beats both" if (pd.DataFrame(result["scores"])["skill"] > 0).any()
            else "The model does not beat the naive forecasts at any horizon.")
    assert said in html
    assert "Projected population of the proposed units" in html  # provenance row


def test_forecast_step_is_off_for_a_dataset_of_its_own(section):
    _, plans, ds, config = section
    own = Config(out=config.out, dataset=Path("x.gpkg"), source=config.source)
    assert _forecasts(own, ds, plans, Cache(Path(config.out) / "cache")) is None


def test_section_states_a_scenario_other_than_hold(section):
    from aimak.report.views import _forecast_context

    result, *_ = section
    held = _forecast_context(result, "en")
    assert held["scenario"] == ""  # the demo holds every driver: the fixed sentence says so
    trend = {**result, "forecast": [{**r, "scenario": "x: linear trend of 2016-2020"}
                                    for r in result["forecast"]]}
    assert _forecast_context(trend, "en")["scenario"] == "x: linear trend of 2016-2020"
    hold = {**result, "forecast": [{**r, "scenario": "x: held at 2020 value"}
                                   for r in result["forecast"]]}
    assert _forecast_context(hold, "en")["scenario"] == ""
