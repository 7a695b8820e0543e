"""What each background job of the explorer does, and how a run of the core's pipeline becomes
an analysis with scenarios.

The task wrappers (``tasks.py``) call these functions with a ``Job`` row; nothing here queues
work (``services.py`` does, for the users allowed to).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext_noop

from aimak.manifest import Manifest

from .evaluation import evaluation_json, session_for
from .models import CRITERIA, Analysis, Job, Scenario

#: How an analysis' inputs were made, as message ids: its pages say them in the reader's
#: language (``Analysis.provenance_text``).
TERRAIN_PROVENANCE = gettext_noop(
    "travel times modelled on terrain (GEBCO), flows modelled (Huff model), populations partly "
    "estimated: see the report")
STRAIGHT_PROVENANCE = gettext_noop(
    "travel times modelled in straight lines, flows modelled (Huff model), populations partly "
    "estimated: see the report")

#: Scenario titles of the optimiser's plans, by criteria set, and of today's map: message ids,
#: said in the reader's language (``Scenario.title_text``).
TITLES = {"accessibility": gettext_noop("Optimiser: accessibility (Ukraine 2015 methodology)"),
          "moderate": gettext_noop("Optimiser: moderate (10,000 inhabitants)"),
          "population": gettext_noop("Optimiser: population (Denmark, 20,000 inhabitants)")}
TODAY_TITLE = gettext_noop("Today's map (2023)")
#: The note of a plan's first version (``title``: the analysis', said in the reader's language)
PLAN_NOTE = gettext_noop("plan of the analysis «%(title)s»")
#: The title of an analysis run from the browser (the oblast's name in the reader's language)
RUN_TITLE = gettext_noop("%(oblast)s (%(when)s, #%(job)s)")

#: Plans sampled per ensemble (about 1 s per 300 plans for Jalal-Abad's 76 municipalities).
ENSEMBLE_PLANS = 1000
#: Seconds the heuristic may take to find the ensemble's start plan.
ENSEMBLE_START_SECONDS = 20.0
#: Report formats written by a run from the browser (the page offers each for download).
ANALYSIS_FORMATS = ("html", "pdf")
#: Criteria sets planned by a run from the browser (as the demo).
ANALYSIS_PLANS = ("accessibility", "moderate", "population")
#: Settings of the solving policy a run from the browser changes (none: ``PlanSolver``'s).
ANALYSIS_SOLVER: dict = {}


def load_results(title: str, manifest: Manifest, author, provenance: str,
                 replace: bool = True, title_params: dict | None = None) -> Analysis:
    """An analysis of a pipeline run (read from its manifest, ``aimak.manifest``): today's map
    (official) and each plan the run made as a proposed scenario. ``title`` is a message id
    filled with ``title_params`` (``Analysis.title_params``). ``replace``: an analysis of the
    same title is updated and its scenarios made anew."""
    report = manifest.report.get("html")
    paths = {"dataset_path": str(manifest.dataset), "times_path": str(manifest.times),
             "flows_path": str(manifest.flows or ""), "report_path": str(report or ""),
             "provenance": provenance, "title_params": title_params or {}}
    analysis = Analysis.objects.filter(title=title).first() if replace else None
    if analysis is None:
        analysis = Analysis.objects.create(title=title, **paths)
    else:
        for k, v in paths.items():
            setattr(analysis, k, v)
        analysis.save()
        analysis.scenarios.all().delete()
    today = Scenario.objects.create(analysis=analysis, title=TODAY_TITLE, title_params={},
                                    criteria="moderate", origin="today", status="official",
                                    author=author)
    session = session_for(today)
    mapping = session.current_mapping()
    today.add_version(mapping, author, gettext_noop("today's map"),
                      evaluation_json(session, mapping)["summary"])
    known = dict(CRITERIA)
    for name, entry in manifest.plans.items():
        if entry.mapping is None or entry.criteria not in known:
            continue
        own = name not in TITLES  # a plan of the run's own config: titled by its author
        s = Scenario.objects.create(analysis=analysis, title=entry.title if own else TITLES[name],
                                    title_params=None if own else {},
                                    criteria=entry.criteria, origin="core", status="proposed",
                                    author=author)
        rows = pd.read_parquet(entry.mapping).astype(str).to_dict("records")
        session = session_for(s)
        mapping = session.mapping(session.plan(rows))
        # the plan's file is provenance, not reading: kept in the params (the page's data
        # attribute), out of the note's text
        s.add_version(mapping, author, PLAN_NOTE, evaluation_json(session, mapping)["summary"],
                      {"title": title, "file": entry.mapping.name})
    return analysis


def optimise(job: Job) -> None:
    """Repair and improve the scenario's current plan, its locked units kept: a new version."""
    s = job.scenario
    current = s.current
    session = session_for(s)
    locked = [u for u in s.locked_units if any(r["new_unit"] == u for r in current.mapping)]
    job.set_stage(f"v{current.number}, {len(locked)} locked")
    left: list[str] = []  # units no valid unit can take in: kept as they are, and said
    mapping = session.optimise(current.mapping, locked=locked, time_limit=job.time_limit,
                               left=left)
    data = evaluation_json(session, mapping)
    params = {"n": current.number, "locked": ", ".join(locked) or "—",
              "seconds": f"{job.time_limit:g}", "left": ", ".join(left)}
    note = (gettext_noop("optimised from v%(n)s (locked: %(locked)s; %(seconds)s s); left as "
                         "they were, no valid unit can include them: %(left)s") if left else
            gettext_noop("optimised from v%(n)s (locked: %(locked)s; %(seconds)s s)"))
    version = s.add_version(mapping, job.user, note, data["summary"], params)
    job.finish({"before": current.summary, "after": data["summary"],
                "from_version": current.number, "left": left}, version=version)


def ensemble(job: Job) -> None:
    """Sample valid plans (ReCom) for the job's analysis and criteria."""
    probe = Scenario(analysis=job.analysis, criteria=job.criteria)
    session = session_for(probe)
    job.set_stage("heuristic start plan")
    metrics, start = session.sample_ensemble(n_plans=job.params.get("n_plans", ENSEMBLE_PLANS),
                                             time_limit=min(job.time_limit,
                                                            ENSEMBLE_START_SECONDS))
    job.finish({"metric": "mean_minutes_to_centre", "n_plans": len(metrics),
                "units": int(start.n_units),
                "values": [round(float(v), 4) for v in metrics["mean_minutes_to_centre"]]})


def analysis_folder(job: Job) -> Path:
    """Where a run's output goes: under the platform's data folder (``AIMAK_DATA_DIR``)."""
    return settings.DATA_DIR / "analyses" / f"job-{job.pk}"


def analysis(job: Job) -> None:
    """The core's pipeline for an oblast; its manifest becomes an analysis and scenarios."""
    from aimak.config import Config
    from aimak.kyrgyzstan.build import slug
    from aimak.params import SolverParams, StraightParams, TerrainParams
    from aimak.paths import data_home
    from aimak.pipeline import run
    from aimak_web.places.models import Oblast

    oblast = Oblast.objects.get(code=job.params["oblast"])
    out = analysis_folder(job)
    plans = job.params.get("plans") or ANALYSIS_PLANS
    straight = job.params.get("access") == "straight"
    config = Config(out=out, lang=job.params.get("lang", "ru"), source=data_home(required=True),
                    oblast=slug(oblast.name_en),
                    access=StraightParams() if straight else TerrainParams(),
                    plans={p: p for p in plans},
                    formats=tuple(job.params.get("formats") or ANALYSIS_FORMATS),
                    solver=SolverParams(**ANALYSIS_SOLVER), title=oblast.name_ru)
    result = run(config, progress=job.set_stage)
    names = {"ru": oblast.name_ru, "ky": oblast.name_ky or oblast.name_ru, "en": oblast.name_en}
    found = load_results(RUN_TITLE, result.manifest, job.user,
                         STRAIGHT_PROVENANCE if straight else TERRAIN_PROVENANCE, replace=False,
                         title_params={"oblast": names, "when": f"{job.created:%Y-%m-%d %H:%M}",
                                       "job": job.pk})
    job.analysis = found
    job.save(update_fields=["analysis"])
    job.finish({"files": {k: str(v) for k, v in result.manifest.report.items()},
                "scenarios": found.scenarios.count()})
