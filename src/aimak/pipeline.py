"""The territory pipeline, end to end, with results cached by their inputs.

dataset -> travel times -> modelled (or observed) flows -> functional zones -> amalgamation plans
-> evaluation and comparison with today's map -> report (HTML, PDF, XLSX, GeoPackage).

Each step stores its result under ``<out>/cache/`` with a key made of the step's parameters and
the keys of the steps it reads, so a rerun with unchanged inputs reuses them, and a change
anywhere recomputes exactly what depends on it. ``run`` is what ``aimak demo`` and
``aimak analyze CONFIG.toml`` call; the CLI only parses arguments.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aimak import __version__
from aimak.cache import Cache, digest, file_digest
from aimak.config import Config
from aimak.dataset import Dataset
from aimak.errors import AimakError
from aimak.i18n import _, fmt_number, use_language
from aimak.manifest import Manifest, PlanEntry, Progress


@dataclass
class Result:
    """What a run produced: the report files and the intermediate tables."""

    dataset: Dataset
    times: pd.DataFrame
    flows: pd.DataFrame
    zones: pd.DataFrame
    zone_metrics: dict
    plans: dict[str, dict]
    comparison: pd.DataFrame
    files: dict[str, Path]
    cache_hits: list[str]
    #: How each modelled stage was made (travel, flows, zones), as the report states it.
    methods: dict[str, str]
    #: The forecast section (population projection, poverty forecast), None when not made.
    forecast: dict | None = None
    #: The official plan explained (``OfficialExplanation``), when the config gives one.
    official: Any = None
    #: What the run wrote, as the platform reads it (``aimak.manifest``).
    manifest: Manifest | None = None


def run(config: Config, progress: Progress | None = None) -> Result:
    """Run the whole pipeline and write its manifest (``aimak.manifest``, the only part of the
    output folder the platform reads); ``progress(stage)`` is called as each step of
    ``aimak.manifest.STEPS`` starts (``plans:NAME`` for each scenario)."""
    say = progress or (lambda _step: None)
    out = Path(config.out)
    cache = Cache(out / "cache")
    methods: dict[str, str] = {}
    done: list[str] = []

    def step(name: str) -> None:
        done.append(name)
        say(name)

    step("dataset")
    ds, data_key, dataset_file = _dataset(config, cache)
    step("times")
    times, times_key = _times(config, ds, data_key, cache, methods)
    step("flows")
    flows, flows_key = _flows(config, ds, times, times_key, cache, methods)
    step("zones")
    zones, zone_metrics = _zones(config, ds, flows, flows_key, cache, methods)
    step("plans")
    plans, comparison = _plans(config, ds, times, flows, cache, digest(times_key, flows_key),
                               say)
    step("forecast")
    forecast = _forecasts(config, ds, plans, cache)
    official = None
    if config.official_plan is not None:
        step("official")
        official = _official(config, ds, times, flows)
    step("report")
    files = _report(config, ds, times, zones, zone_metrics, flows, plans, comparison, methods,
                    forecast, official)
    manifest = Manifest(
        folder=out, dataset=dataset_file, times=cache.written["times"][0],
        flows=cache.written["flows"][0], zones=cache.written["zones"][0],
        plans={name: PlanEntry(title=p["title"], criteria=config.plans[name],
                               mapping=cache.written.get(f"plan-{name}", [None])[0]
                               if "mapping" in p else None, infeasible=p.get("infeasible"))
               for name, p in plans.items()},
        report=dict(files), steps=done, lang=config.lang, title=config.title,
        versions={"aimak": __version__})
    manifest.write()
    return Result(ds, times, flows, zones, zone_metrics, plans, comparison, files,
                  cache.hits, methods, forecast, official, manifest)


def _official(config: Config, ds: Dataset, times: pd.DataFrame, flows: pd.DataFrame):
    """Read, check against every scenario's criteria, and explain the official plan."""
    from aimak.plans.criteria import Criteria
    from aimak.plans.explain_official import explain_official
    from aimak.plans.official import read_official

    official = read_official(config.official_plan, ds)
    sets = {}
    for name, spec in config.plans.items():
        criteria = Criteria.load(spec)
        sets[name] = (criteria.title or name, criteria)
    return explain_official(ds, times, flows, official, sets,
                            time_limit=config.solver.time_limit,
                            workers=config.solver.workers)


def _dataset(config: Config, cache: Cache) -> tuple[Dataset, str, Path]:
    """The dataset, its key, and the GeoPackage it is read from."""
    if config.dataset is not None:
        key = file_digest([Path(config.dataset)])
        return Dataset.read(config.dataset), key, Path(config.dataset)
    from aimak.kyrgyzstan.build import FILES, build_kyrgyzstan
    from aimak.kyrgyzstan.download import resolve_source

    folder = resolve_source(config.source)
    key = digest(__version__, config.oblast,
                  file_digest([folder / name for name in FILES.values()]))
    path = cache.path("dataset", key, ".gpkg")
    if path.exists():
        cache.hits.append("dataset")
        return Dataset.read(path), key, path
    ds = build_kyrgyzstan(folder, config.oblast).dataset
    ds.write(path)
    return ds, key, path


def _times(config: Config, ds: Dataset, data_key: str, cache: Cache, methods: dict[str, str]
           ) -> tuple[pd.DataFrame, str]:
    from aimak.access import HYBRID_ATTRIBUTION, make_model

    params = config.access.given()
    mode = params.pop("mode")
    roads = params.pop("roads", None)
    key = digest(__version__, data_key, mode, roads, params)

    def compute() -> tuple[pd.DataFrame, dict]:
        model = make_model(mode, roads=roads, **params).fit(ds)
        if config.compute.distributed:
            frame, left = _chunked_times(config, model, cache.path("times", key, ".parts"))
            return frame, {"unreachable_pairs": left,
                           "stranded": [str(s) for s in getattr(model, "stranded_", [])]}
        frame = model.matrix()
        return frame, {"unreachable_pairs": int(frame.attrs["unreachable"]),
                       "stranded": [str(s) for s in getattr(model, "stranded_", [])]}

    times, facts = cache.table_and_facts("times", key, compute)
    shown = {k: v for k, v in config.access.model_dump(exclude_unset=True).items()
             if k not in ("mode", "n_jobs", "elevation", "roads")}
    with use_language(config.lang):
        methods["travel"] = _("{parameters}; not calibrated on observed trips").format(
            parameters=_listed(shown, config.lang) or _("default parameters"))
        if mode == "hybrid":  # the licence of its road layer asks for the attribution
            methods["travel"] += "; " + _(HYBRID_ATTRIBUTION)
        if facts.get("unreachable_pairs"):
            methods["travel"] += "; " + _("{count} pairs without a route").format(
                count=fmt_number(facts["unreachable_pairs"], "int", config.lang))
    return times, key


def _chunked_times(config: Config, model: Any, folder: Path) -> tuple[pd.DataFrame, int]:
    """The matrix by chunks of origins on Dask (aimak.access.chunked), read back whole."""
    import shutil

    from aimak.access.chunked import write_matrix

    written = write_matrix(model, folder, chunk=config.compute.chunk,
                           workers=config.compute.workers, scheduler=config.compute.scheduler)
    frame = written.read()
    shutil.rmtree(folder)  # the cache keeps the one table, as for a single-process run
    return frame, written.unreachable


def _listed(params: dict[str, Any], lang: str = "en") -> str:
    """Parameters as ``name = value`` pairs in the current language (names the report has no
    label for stay as the config spells them)."""
    from aimak.report.model import KEY_LABELS, VALUE_LABELS

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return _("yes") if v else _("no")
        if isinstance(v, int | float):
            text = f"{v:,d}" if isinstance(v, int) else f"{v:,.6g}"
            return text if lang == "en" else text.replace(",", "\u00a0").replace(".", ",")
        return _(VALUE_LABELS[v]) if isinstance(v, str) and v in VALUE_LABELS else str(v)

    return ", ".join(f"{_(KEY_LABELS[k]) if k in KEY_LABELS else k} = {value(v)}"
                     for k, v in params.items())


#: Modelled flows smaller than this many trips are left out (and the share of trips reported).
MIN_TRIPS = 0.5


def _flows(config: Config, ds: Dataset, times: pd.DataFrame, times_key: str, cache: Cache,
           methods: dict[str, str]) -> tuple[pd.DataFrame, str]:
    from aimak.flows.model import model_flows
    from aimak.flows.observed import read_flows

    ids = set(ds.settlements["id"])
    observed = None
    if config.observed_flows:
        observed = pd.concat([read_flows(p, known=ids) for p in config.observed_flows],
                             ignore_index=True)
    key = digest(__version__, times_key, config.flows.given(),
                  file_digest(list(config.observed_flows)) if config.observed_flows else "")

    def compute() -> tuple[pd.DataFrame, dict]:
        finite = times[np.isfinite(times["minutes"])]
        huff, _ = model_flows(ds, finite, observed=observed, **config.flows.given())
        flows = huff.flows_
        small = flows["flow"] < MIN_TRIPS
        facts = {**huff.fit_, "pairs_left_out": int(small.sum()),
                 "trips_left_out_share": float(flows.loc[small, "flow"].sum()
                                               / max(flows["flow"].sum(), 1e-12))}
        return flows[~small].reset_index(drop=True), facts

    flows, fit = cache.table_and_facts("flows", key, compute)
    lang = config.lang
    with use_language(lang):
        how = (_("calibrated on observed flows") if fit.get("parameters") == "calibrated"
               else _("default parameters, not calibrated: no observed flows"))
        methods["flows"] = _(
            "Huff model, beta = {beta} per minute, alpha = {alpha} ({how}); {pairs} pairs under "
            "{minimum} trips left out ({share} of trips)").format(
            beta=fmt_number(fit.get("beta"), "float2", lang),
            alpha=fmt_number(fit.get("alpha"), "float2", lang), how=how,
            pairs=fmt_number(fit.get("pairs_left_out", 0), "int", lang),
            minimum=fmt_number(MIN_TRIPS, "float1", lang),
            share=fmt_number(100 * fit.get("trips_left_out_share", 0.0), "float1", lang) + " %")
    return flows, key


def _zones(config: Config, ds: Dataset, flows: pd.DataFrame, flows_key: str, cache: Cache,
           methods: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    from aimak.zones import make_estimator, metrics
    from aimak.zones.flowmatrix import FlowMatrix

    params = config.zones.applied()
    method = config.zones.method
    key = digest(__version__, flows_key, method, params)

    @functools.cache
    def flow_matrix() -> FlowMatrix:  # built only when a result is not cached yet
        return FlowMatrix.from_frame(flows[["origin", "destination", "flow"]],
                                     units=sorted(ds.settlements["id"]))

    def compute() -> pd.DataFrame:
        fm = flow_matrix()
        est = make_estimator(method, **params).fit(fm)
        return pd.DataFrame({"settlement": fm.units, "zone": np.asarray(est.labels_),
                             "method": method})

    zones = cache.table("zones", key, compute)

    def summarise() -> dict:
        fm = flow_matrix()
        labels = zones.set_index("settlement").loc[fm.units, "zone"].to_numpy()
        muni = ds.settlements.set_index("id").loc[fm.units, "municipality_code"].to_numpy()
        summary = metrics.summary(fm, labels)
        compared = metrics.compare_with_municipalities(fm.units, labels, muni)
        split = compared.pop("split")
        return {"method": method, **params, **summary, **compared,
                "split_municipalities": len(split) if split is not None else 0}

    with use_language(config.lang):
        methods["zones"] = _("parameters: {parameters}").format(
            parameters=_listed(params, config.lang) or _("default parameters"))
    return zones, cache.json("zone_metrics", key, summarise)


def _plans(config: Config, ds: Dataset, times: pd.DataFrame, flows: pd.DataFrame, cache: Cache,
           key: str, say: Progress) -> tuple[dict[str, dict], pd.DataFrame]:
    from aimak.scenarios import solve_scenarios

    with use_language(config.lang):  # texts of the comparison in the report's language
        return solve_scenarios(ds, times, flows, config.plans, cache, key,
                               config.solver.solver(workers=config.compute.workers,
                                                    scheduler=config.compute.scheduler), say)


def _forecasts(config: Config, ds: Dataset, plans: dict[str, dict], cache: Cache
               ) -> dict | None:
    """Projected population per proposed unit (added to each plan's units) and the rayon
    poverty forecast, when the census, poverty and WDI files are at hand."""
    from aimak.forecast import territory as ft
    from aimak.forecast.data import POVERTY_FILE, WDI_FILE

    settings = dict(config.forecast)
    # on by default for the Kyrgyz builder's data; a dataset of its own must ask for it
    if not settings.pop("enabled", config.dataset is None):
        return None
    folder = config.source
    if folder is None:
        from aimak.forecast.run import shared_folder

        try:
            folder = shared_folder(None)
        except AimakError:
            return None
    if not ft.has_inputs(folder):
        return None
    horizon = int(settings.pop("horizon_year", ft.HORIZON_YEAR))
    projected, rates = ft.population_projection(folder, ds.settlements, horizon)
    for plan in plans.values():
        if "mapping" in plan:
            extra = ft.plan_projection(plan["mapping"], ds.settlements, projected,
                                       plan.get("criteria", {}))
            plan["units"] = plan["units"].merge(extra, on="new_unit", how="left")
    key = digest(__version__, config.lang, settings, sorted(ds.settlements["rayon"].unique()),
                  file_digest([Path(folder) / f for f in (POVERTY_FILE, WDI_FILE)]))
    section = cache.json("forecast", key, lambda: ft.poverty_section(
        Path(folder), sorted(ds.settlements["rayon"].unique()), config.lang, settings))
    return {**section, "projection": {"year": horizon, "rates": rates.to_dict("records"),
                                      "methods": sorted(projected["projection_method"]
                                                        .unique())}}


def _report(config: Config, ds: Dataset, times: pd.DataFrame, zones: pd.DataFrame,
            zone_metrics: dict, flows: pd.DataFrame, plans: dict[str, dict],
            comparison: pd.DataFrame, methods: dict[str, str],
            forecast: dict | None = None, official: Any = None) -> dict[str, Path]:
    from aimak.report import PlanReport, ReportInputs, write_report

    reports = {name: PlanReport(title=p["title"], mapping=p["mapping"], units=p["units"],
                                criteria=p["criteria"], summary=p["summary"],
                                description=p.get("description", ""),
                                parts=p.get("parts"))
               for name, p in plans.items() if "mapping" in p}
    if official is not None:
        from aimak.plans.evaluate import unit_indicators
        from aimak.report.official import official_plans

        reports.update(official_plans(official, lambda inst, plan: unit_indicators(
            inst, plan, lang=config.lang)))  # "criteria not met" in the report's language
    names = ds.oblasts.get(f"name_{config.lang}", ds.oblasts["name_en"])
    region = ", ".join(n if isinstance(n, str) and n else e
                       for n, e in zip(names, ds.oblasts["name_en"], strict=True))
    inputs = ReportInputs(dataset=ds, zones=zones, zone_metrics=zone_metrics, flows=flows,
                          plans=reports, comparison=comparison, lang=config.lang,
                          title=config.title, region=region or config.oblast,
                          travel_mode=str(times["mode"].iloc[0]) if len(times) else "terrain",
                          method_notes=methods, forecast=forecast, official=official)
    return write_report(inputs, config.out, formats=config.formats)
