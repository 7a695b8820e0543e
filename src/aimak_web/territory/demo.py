"""Demo loader: the territory demo's results (today's map and the optimiser's plans) as scenarios.

Only what ``aimak demo`` computed is loaded: the dataset, travel times and flows from its cache,
and each scenario's plan (``plan-<criteria>-*.parquet``). Nothing is edited by hand.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.utils.translation import gettext_noop

from .evaluation import evaluation_json, session_for
from .models import CRITERIA, Analysis, Scenario

TITLES = {"accessibility": "Оптимизатор: доступность (методика Украины 2015)",
          "moderate": "Оптимизатор: умеренный (10 000 жителей)",
          "population": "Оптимизатор: численность (Дания, 20 000 жителей)"}


def _newest(folder: Path, pattern: str) -> Path | None:
    found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def load_results(title: str, dataset: Path, results: Path, author, provenance: str,
                 report: Path | None = None, replace: bool = True) -> Analysis | None:
    """An analysis with today's map (official) and each plan the pipeline computed
    (``plan-<criteria>-*.parquet`` in ``results/cache``) as proposed scenarios; None when the
    results hold no travel times. ``replace``: an analysis of the same title is updated and
    its scenarios made anew."""
    cache = Path(results) / "cache"
    times, flows = _newest(cache, "times-*.parquet"), _newest(cache, "flows-*.parquet")
    if times is None:
        return None
    paths = {"dataset_path": str(Path(dataset).resolve()), "times_path": str(times.resolve()),
             "flows_path": str(flows.resolve()) if flows else "",
             "report_path": str(Path(report).resolve()) if report else "",
             "provenance": provenance}
    analysis = Analysis.objects.filter(title=title).first() if replace else None
    if analysis is None:
        analysis = Analysis.objects.create(title=title, **paths)
    else:
        for k, v in paths.items():
            setattr(analysis, k, v)
        analysis.save()
        analysis.scenarios.all().delete()
    today = Scenario.objects.create(analysis=analysis, title="Сегодняшняя карта (2023)",
                                    criteria="moderate", origin="today", status="official",
                                    author=author)
    session = session_for(today)
    mapping = session.current_mapping()
    today.add_version(mapping, author, gettext_noop("today's map"),
                      evaluation_json(session, mapping)["summary"])
    for name, _label in CRITERIA:
        path = _newest(cache, f"plan-{name}-*.parquet")
        if path is None:
            continue
        s = Scenario.objects.create(analysis=analysis, title=TITLES[name], criteria=name,
                                    origin="core", status="proposed", author=author)
        rows = pd.read_parquet(path).astype(str).to_dict("records")
        session = session_for(s)
        mapping = session.mapping(session.plan(rows))
        s.add_version(mapping, author, gettext_noop("plan of the analysis «%(title)s» (%(file)s)"),
                      evaluation_json(session, mapping)["summary"],
                      {"title": title, "file": path.name})
    return analysis


def load(ctx) -> None:
    from .tasks import TERRAIN_PROVENANCE, ensemble_job

    if ctx.results is None:
        ctx.log("territory: no results folder; no scenarios loaded")
        return
    analysis = load_results(
        "Джалал-Абадская область (aimak demo)", Path(ctx.dataset), Path(ctx.results),
        ctx.users.get("admin"), TERRAIN_PROVENANCE, report=Path(ctx.results) / "report.html")
    if analysis is None:
        ctx.log("territory: no travel times in the results; no scenarios loaded")
        return

    for criteria in sorted(set(analysis.scenarios.values_list("criteria", flat=True))):
        ensemble_job(analysis, criteria)  # sampled by the worker the demo starts
    n = analysis.scenarios.count()
    ctx.log(f"territory: {n} scenarios (today's map and the optimiser's plans); ensembles "
            "queued for the background worker")
