"""Background tasks of the explorer (django-tasks; the database backend, run by ``db_worker``).

Each task receives the id of a ``Job`` row, moves it through its states (``Job.start``,
``finish``, ``fail``) and records its result there; the pages poll the row. What each job does
is in ``work.py``; who may queue one is decided in ``services.py``. Errors a user can act on
(the criteria cannot be met, unusable inputs) end as a failed job with the core's reason;
anything else is logged and shown as an internal error, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from auditlog.context import set_actor
from django_tasks import task

from aimak.errors import AimakError, InputError
from aimak.plans.feasibility import InfeasibleError

from . import work
from .models import Job

log = logging.getLogger(__name__)


def _run(job_id: int, what: Callable[[Job], None]) -> None:
    job = Job.objects.select_related("scenario__analysis", "analysis", "user").get(pk=job_id)
    if job.state != "queued":  # run once, even if enqueued twice
        return
    job.start()
    try:
        with set_actor(job.user):
            what(job)
    except InfeasibleError as exc:
        job.fail("infeasible", "; ".join(exc.reasons), reasons=exc.reasons)
    except (InputError, AimakError) as exc:
        job.fail("input", str(exc))
    except Exception as exc:  # recorded for the team, shown as internal
        log.exception("territory job %s failed", job_id)
        job.fail("internal", type(exc).__name__)


@task()
def optimise_scenario(job_id: int) -> None:
    """Repair and improve a scenario's current plan, keeping its locked units."""
    _run(job_id, work.optimise)


@task()
def sample_ensemble(job_id: int) -> None:
    """Sample valid plans (ReCom) for an analysis and criteria set, once; cached in the job."""
    _run(job_id, work.ensemble)


@task()
def run_analysis(job_id: int) -> None:
    """The core's territory pipeline for an oblast; its plans become scenarios."""
    _run(job_id, work.analysis)


#: The task that does each kind of job.
TASKS = {"optimise": optimise_scenario, "ensemble": sample_ensemble, "analysis": run_analysis}
