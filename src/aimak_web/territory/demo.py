"""Demo loader: the territory demo's results (today's map and the optimiser's plans) as scenarios.

Only what ``aimak demo`` computed is loaded: the dataset, travel times and flows from its cache,
and each scenario's plan (``plan-<criteria>-*.parquet``). Nothing is edited by hand.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .evaluation import evaluation_json, session_for
from .models import CRITERIA, Analysis, Scenario

TITLES = {"accessibility": "Оптимизатор: доступность (методика Украины 2015)",
          "moderate": "Оптимизатор: умеренный (10 000 жителей)",
          "population": "Оптимизатор: численность (Дания, 20 000 жителей)"}


def _newest(folder: Path, pattern: str) -> Path | None:
    found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def load(ctx) -> None:
    if ctx.results is None:
        ctx.log("territory: no results folder; no scenarios loaded")
        return
    cache = Path(ctx.results) / "cache"
    times, flows = _newest(cache, "times-*.parquet"), _newest(cache, "flows-*.parquet")
    if times is None:
        ctx.log("territory: no travel times in the results; no scenarios loaded")
        return
    analysis, created = Analysis.objects.get_or_create(
        title="Джалал-Абадская область (aimak demo)",
        defaults={"dataset_path": str(Path(ctx.dataset).resolve()),
                  "times_path": str(times.resolve()),
                  "flows_path": str(flows.resolve()) if flows else "",
                  "report_path": str((Path(ctx.results) / "report.html").resolve()),
                  "provenance": "travel times modelled on terrain (GEBCO), flows modelled "
                                "(Huff model), populations partly estimated: see the report"})
    if not created:
        analysis.dataset_path = str(Path(ctx.dataset).resolve())
        analysis.times_path = str(times.resolve())
        analysis.flows_path = str(flows.resolve()) if flows else ""
        analysis.save()
        analysis.scenarios.all().delete()
    admin = ctx.users.get("admin")
    today = Scenario.objects.create(analysis=analysis, title="Сегодняшняя карта (2023)",
                                    criteria="moderate", origin="today", status="official",
                                    author=admin)
    session = session_for(today)
    mapping = session.current_mapping()
    today.add_version(mapping, admin, "today's map",
                      evaluation_json(session, mapping)["summary"])
    n = 1
    for name, _label in CRITERIA:
        path = _newest(cache, f"plan-{name}-*.parquet")
        if path is None:
            continue
        s = Scenario.objects.create(analysis=analysis, title=TITLES[name], criteria=name,
                                    origin="core", status="proposed", author=admin)
        rows = pd.read_parquet(path).astype(str).to_dict("records")
        session = session_for(s)
        mapping = session.mapping(session.plan(rows))
        s.add_version(mapping, admin, f"aimak demo: {path.name}",
                      evaluation_json(session, mapping)["summary"])
        n += 1
    ctx.log(f"territory: {n} scenarios (today's map and the optimiser's plans)")
