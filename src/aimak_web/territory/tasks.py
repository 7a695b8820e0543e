"""Background tasks of the explorer (django-tasks; the database backend, run by ``db_worker``).

Each task receives the id of a ``Job`` row, moves it through its states (``Job.start``,
``finish``, ``fail``) and records its result there; the pages poll the row. Errors a user can
act on (the criteria cannot be met, unusable inputs) end as a failed job with the core's reason;
anything else is logged and shown as an internal error, never as a traceback.
"""

from __future__ import annotations

import logging

from auditlog.context import set_actor
from django.utils.translation import gettext_noop
from django_tasks import task

from aimak.errors import AimakError, InputError
from aimak.plans.feasibility import InfeasibleError

from .evaluation import evaluation_json, session_for
from .models import Job

log = logging.getLogger(__name__)

#: How an analysis' inputs were made, as message ids: its pages say them in the reader's
#: language (``Analysis.provenance_text``).
TERRAIN_PROVENANCE = gettext_noop(
    "travel times modelled on terrain (GEBCO), flows modelled (Huff model), populations partly "
    "estimated: see the report")
STRAIGHT_PROVENANCE = gettext_noop(
    "travel times modelled in straight lines, flows modelled (Huff model), populations partly "
    "estimated: see the report")


def _run(job_id: int, work) -> None:
    job = Job.objects.select_related("scenario__analysis", "analysis", "user").get(pk=job_id)
    if job.state != "queued":  # run once, even if enqueued twice
        return
    job.start()
    try:
        with set_actor(job.user):
            work(job)
    except InfeasibleError as exc:
        job.fail("infeasible", "; ".join(exc.reasons), reasons=exc.reasons)
    except (InputError, AimakError) as exc:
        job.fail("input", str(exc))
    except Exception as exc:  # recorded for the team, shown as internal
        log.exception("territory job %s failed", job_id)
        job.fail("internal", type(exc).__name__)


def _optimise(job: Job) -> None:
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


@task()
def optimise_scenario(job_id: int) -> None:
    """Repair and improve a scenario's current plan, keeping its locked units."""
    _run(job_id, _optimise)


#: Plans sampled per ensemble (about 1 s per 300 plans for Jalal-Abad's 76 municipalities).
ENSEMBLE_PLANS = 1000


def _ensemble(job: Job) -> None:
    from .models import Scenario

    probe = Scenario(analysis=job.analysis, criteria=job.criteria)
    session = session_for(probe)
    job.set_stage("heuristic start plan")
    metrics, start = session.sample_ensemble(n_plans=job.params.get("n_plans", ENSEMBLE_PLANS),
                                             time_limit=min(job.time_limit, 20.0))
    job.finish({"metric": "mean_minutes_to_centre", "n_plans": len(metrics),
                "units": int(start.n_units),
                "values": [round(float(v), 4) for v in metrics["mean_minutes_to_centre"]]})


@task()
def sample_ensemble(job_id: int) -> None:
    """Sample valid plans (ReCom) for an analysis and criteria set, once; cached in the job."""
    _run(job_id, _ensemble)


def ensemble_job(analysis, criteria: str, user=None, start: bool = True) -> Job | None:
    """The newest finished ensemble of ``analysis`` under ``criteria``, else the one being
    sampled, else (when ``start``) a newly queued one; None when none and not started."""
    Job.fail_stale()  # what a stopped worker left behind is not waited for
    jobs = Job.objects.filter(kind="ensemble", analysis=analysis, criteria=criteria)
    found = (jobs.filter(state="done").order_by("-finished").first()
             or jobs.filter(state__in=["queued", "running"]).first())
    if found is not None or not start:
        return found
    job = Job.objects.create(kind="ensemble", analysis=analysis, criteria=criteria,
                             user=user if user is not None and user.is_authenticated else None,
                             time_limit=20.0, params={"n_plans": ENSEMBLE_PLANS})
    job.task_id = str(sample_ensemble.enqueue(job.pk).id)
    job.save(update_fields=["task_id"])
    return job


#: The pipeline's steps in order, as ``aimak.pipeline.run`` reports them (for the progress).
PIPELINE_STEPS = ["dataset", "travel times", "flows", "functional zones", "amalgamation plans",
                  "forecasts", "official plan", "report"]
def pipeline_step(stage: str) -> str:
    """The pipeline step of a reported stage (the plans step reports "plan: <name>" each)."""
    return "amalgamation plans" if stage.startswith("plan: ") else stage


#: Report formats written by a run from the browser (the page offers each for download).
ANALYSIS_FORMATS = ("html", "pdf")
#: Criteria sets planned by a run from the browser (as the demo).
ANALYSIS_PLANS = ("accessibility", "moderate", "population")
#: Seconds of the exact solver per criteria set (the core's default).
ANALYSIS_SOLVER_SECONDS = 40.0


def analysis_folder(job: Job):
    """Where a run's output goes: under the platform's data folder (``AIMAK_DATA_DIR``)."""
    from django.conf import settings

    return settings.DATA_DIR / "analyses" / f"job-{job.pk}"


def _analysis(job: Job) -> None:
    import os
    from pathlib import Path

    from aimak.kyrgyzstan.build import slug
    from aimak.params import SolverParams, StraightParams, TerrainParams
    from aimak.pipeline import Config, run
    from aimak_web.places.models import Oblast

    from .demo import load_results

    oblast = Oblast.objects.get(code=job.params["oblast"])
    out = analysis_folder(job)
    source = os.environ.get("AIMAK_SOURCE")
    plans = job.params.get("plans") or ANALYSIS_PLANS
    config = Config(out=out, lang=job.params.get("lang", "ru"),
                    source=Path(source) if source else None, oblast=slug(oblast.name_en),
                    access=StraightParams() if job.params.get("access") == "straight"
                    else TerrainParams(),
                    plans={p: p for p in plans},
                    formats=tuple(job.params.get("formats") or ANALYSIS_FORMATS),
                    solver=SolverParams(time_limit=float(ANALYSIS_SOLVER_SECONDS)),
                    title=oblast.name_ru)
    result = run(config, progress=job.set_stage)
    dataset = sorted((out / "cache").glob("dataset-*.gpkg"))
    if not dataset:
        raise RuntimeError("the pipeline wrote no dataset")
    files = {k: str(Path(v).resolve()) for k, v in result.files.items()}
    provenance = (STRAIGHT_PROVENANCE if job.params.get("access") == "straight"
                  else TERRAIN_PROVENANCE)
    analysis = load_results(
        f"{oblast.name_ru} ({job.created:%Y-%m-%d %H:%M}, #{job.pk})", dataset[-1], out,
        job.user, provenance, report=files.get("html") and Path(files["html"]), replace=False)
    if analysis is None:
        raise RuntimeError("the pipeline wrote no travel times")
    job.analysis = analysis
    job.save(update_fields=["analysis"])
    job.finish({"files": files, "scenarios": analysis.scenarios.count()})


@task()
def run_analysis(job_id: int) -> None:
    """The core's territory pipeline for an oblast; its plans become scenarios."""
    _run(job_id, _analysis)
