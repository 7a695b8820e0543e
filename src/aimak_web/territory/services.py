"""The explorer's rules, one function per change of state: scenarios seen and edited, moves,
centres, locks, copies, uploads, exports, and background jobs queued for those allowed.

Views parse the request, call one of these and render what it returns; every rule about who may
do what, which unit is locked, when a job is started or reused, and how a plan file is read
lives here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from aimak.errors import InputError
from aimak.manifest import split_stage, stage_label
from aimak_web.core.text import number, reader_language
from aimak_web.places.models import Municipality

from .evaluation import evaluation_json, session_for
from .models import CRITERIA, Analysis, Job, Scenario
from .tasks import TASKS
from .work import ENSEMBLE_PLANS, ENSEMBLE_START_SECONDS


class EditRefusedError(Exception):
    """An edit the rules refuse, with the sentence to show (in the reader's language)."""


# ---------------------------------------------------------------------- scenarios
def visible_scenarios(user):
    """The scenarios ``user`` may see: published ones and their own; all for those who may
    create scenarios."""
    qs = Scenario.objects.select_related("analysis", "author")
    if user.is_authenticated and user.has_perm("territory.create_scenario"):
        return qs
    cond = Q(status__in=["proposed", "official"])
    if user.is_authenticated:
        cond |= Q(author=user)
    return qs.filter(cond)


def scenario_for(user, pk: int, perm: str = "territory.view_scenario") -> Scenario:
    """The scenario ``pk`` if ``user`` has ``perm`` on it (404, else 403)."""
    scenario = get_object_or_404(Scenario.objects.select_related("analysis"), pk=pk)
    if not user.has_perm(perm, scenario):
        raise PermissionDenied
    return scenario


def municipality_names() -> dict[str, str]:
    """Municipality code -> name in the reader's language."""
    return {m.code: m.name for m in Municipality.objects.only("code", "name_ru", "name_ky",
                                                               "name_en")}


def minimum_rule(session, names: dict[str, str]) -> list[str]:
    """What the scenario's minimum population means, said beside its violations: a criterion
    of the plan, and who is exempt from it and why (a plan titled for 20,000 inhabitants may
    keep smaller units without a violation)."""
    rule = session.min_population_rule()
    if rule is None:
        return []
    minimum = number(rule["minimum"])
    out = [_("At least %(min)s inhabitants per unit is a criterion of this plan.")
           % {"min": minimum}]
    if rule["isolated"]:
        exempt = ", ".join(
            _("«%(name)s» (%(population)s inhabitants; any allowed merger: at most %(reach)s)")
            % {"name": names.get(code, code), "population": number(pop),
               "reach": number(reach)} for code, pop, reach in rule["isolated"])
        out.append(_("Exempt from it, as the criteria allow: remote municipalities that no "
                     "merger allowed by the other criteria (travel time to the centre, "
                     "borders) can bring to %(min)s: %(exempt)s. A unit holding one may be "
                     "smaller.") % {"min": minimum, "exempt": exempt})
    if rule["listed"]:
        out.append(_("Exempt from it by the criteria file: %(exempt)s.")
                   % {"exempt": ", ".join(f"«{names.get(c, c)}»" for c in rule["listed"])})
    return out


def scenario_page(scenario: Scenario) -> dict:
    """The evaluation of the scenario's current version with names in the reader's language,
    and what its minimum population criterion means (``minimum_rule``)."""
    session = session_for(scenario)
    data = evaluation_json(session, scenario.current.mapping)
    names = municipality_names()
    data["rules"] = minimum_rule(session, names)
    for row in data["mapping"]:
        row["name"] = names.get(row["old_code"], row["old_code"])
    for u in data["units"]:
        u["name"] = names.get(u["new_unit"], u["new_unit"])
    return data


def _save_edit(scenario: Scenario, user, mapping: list[dict], note: str, params: dict) -> dict:
    data = evaluation_json(session_for(scenario), mapping)
    scenario.add_version(data["mapping"], user, note, data["summary"], params)
    names = municipality_names()
    for u in data["units"]:
        u["name"] = names.get(u["new_unit"], u["new_unit"])
    return data


def move(scenario: Scenario, user, code: str, unit: str) -> dict:
    """Move municipality ``code`` to ``unit`` (``__new__``: a unit of its own) as a new
    version; ``EditRefusedError`` when either unit is locked or the move is not possible."""
    mapping = scenario.current.mapping
    if unit == "__new__":
        unit = code
        if any(r["new_unit"] == unit and r["old_code"] != code for r in mapping):
            unit = f"{code}-new"
    locked = set(scenario.locked_units)
    before = next((r["new_unit"] for r in mapping if r["old_code"] == code), None)
    if before in locked or unit in locked:
        raise EditRefusedError(_("That unit is locked."))
    try:
        new = session_for(scenario).move(mapping, code, unit)
    except InputError as exc:
        raise EditRefusedError(str(exc)) from None
    return _save_edit(scenario, user, new, gettext_noop("%(code)s moved from %(before)s to "
                                                        "%(unit)s"),
                      {"code": code, "before": before, "unit": unit})


def set_centre(scenario: Scenario, user, unit: str, centre: str) -> dict:
    """Centre ``unit`` on settlement ``centre`` (one of its own) as a new version."""
    try:
        new = session_for(scenario).set_centre(scenario.current.mapping, unit, centre)
    except InputError as exc:
        raise EditRefusedError(str(exc)) from None
    return _save_edit(scenario, user, new, gettext_noop("new centre of %(unit)s"),
                      {"unit": unit})


def toggle_lock(scenario: Scenario, unit: str) -> None:
    """Lock or unlock a unit of the current version (later edits keep a locked unit)."""
    if unit in {r["new_unit"] for r in scenario.current.mapping}:
        scenario.locked_units = sorted(set(scenario.locked_units) ^ {unit})
        scenario.save(update_fields=["locked_units"])


def copy(scenario: Scenario, user) -> Scenario:
    """A draft copy of the scenario's current version, owned by ``user``."""
    if not user.has_perm("territory.create_scenario"):
        raise PermissionDenied
    new = Scenario.objects.create(analysis=scenario.analysis,
                                  title=_("Copy of %(t)s") % {"t": scenario.title_text},
                                  criteria=scenario.criteria, origin="copy", author=user)
    new.add_version(scenario.current.mapping, user,
                    gettext_noop("copy of scenario #%(pk)s, version %(n)s"),
                    scenario.current.summary, {"pk": scenario.pk, "n": scenario.current.number})
    return new


def set_status(scenario: Scenario, status: str) -> None:
    if status in dict(Scenario.STATUS):
        scenario.status = status
        scenario.save(update_fields=["status"])


# ---------------------------------------------------------------------- plan files
#: The columns of a plan file; ``name`` (in the reader's language) is written beside the code
#: for people and ignored when the file is read back.
PLAN_COLUMNS = ("old_code", "name", "new_unit", "centre")


def export_rows(scenario: Scenario) -> list[list[str]]:
    """The current version's rows: code, name in the reader's language, new unit, centre
    (written by ``core.exports.csv_response``, with a byte-order mark so that Excel opens
    Cyrillic and Kyrgyz names as text, and no cell a spreadsheet could take for a formula)."""
    names = municipality_names()
    return [[row["old_code"], names.get(row["old_code"], ""), row["new_unit"], row["centre"]]
            for row in scenario.current.mapping]


#: Encodings a plan file may come in: UTF-8 (with or without a byte-order mark), and the
#: Windows Cyrillic code page Excel in Russian saves "CSV" with.
ENCODINGS = ("utf-8-sig", "cp1251")


def read_plan_file(data: bytes, name: str) -> list[dict[str, str]]:
    """The rows of an uploaded plan file as records; comma or semicolon separated (Excel in
    Russian saves with semicolons), UTF-8 or Windows-1251, as this site exports it or as Excel
    saves it. ``InputError`` naming the file when it cannot be read."""
    from aimak.errors import Problem

    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1251 decodes nearly every byte; this is for the few it does not
        raise InputError([Problem("the file is neither UTF-8 nor Windows-1251 text", name)])
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = [f.strip().lstrip("'") for f in (reader.fieldnames or [])]
    reader.fieldnames = fields
    return [{k: (v or "").strip().lstrip("'") for k, v in row.items() if k is not None}
            for row in reader]


def upload(user, title: str, criteria: str, data: bytes, name: str) -> Scenario:
    """A new scenario from a plan file (``read_plan_file``), against the newest analysis;
    ``InputError`` listing every bad row (nothing is saved then)."""
    if not user.has_perm("territory.create_scenario"):
        raise PermissionDenied
    analysis = Analysis.objects.order_by("-created", "-pk").first()
    rows = read_plan_file(data, name)
    session = session_for(Scenario(analysis=analysis, criteria=criteria))
    mapping = session.mapping(session.plan(rows, source=name))
    s = Scenario.objects.create(analysis=analysis, title=title, criteria=criteria,
                                origin="upload", author=user)
    s.add_version(mapping, user, gettext_noop("uploaded"),
                  evaluation_json(session, mapping)["summary"])
    return s


# ---------------------------------------------------------------------- background jobs
def _enqueue(job: Job) -> Job:
    result = TASKS[job.kind].enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])
    return job


def may_start_jobs(user) -> bool:
    """Only signed-in users with the right queue background work (sampling, optimising,
    analyses cost minutes of the worker); anyone may see what has been computed."""
    return user.is_authenticated and user.has_perm("territory.start_job")


def ensemble_job(analysis: Analysis, criteria: str, user=None,
                 start: bool = False) -> Job | None:
    """The newest finished ensemble of ``analysis`` under ``criteria``, else the one being
    sampled, else (``start``, asked by a user who may start work) a newly queued one; None
    otherwise. Reading never starts work: a page shows what exists."""
    if start:
        Job.fail_stale()  # what a stopped worker left behind is not waited for
    jobs = Job.objects.filter(kind="ensemble", analysis=analysis, criteria=criteria)
    found = (jobs.filter(state="done").order_by("-finished", "-pk").first()
             or jobs.filter(state__in=["queued", "running"]).first())
    if found is not None or not start or not may_start_jobs(user):
        return found
    return _enqueue(Job.objects.create(kind="ensemble", analysis=analysis, criteria=criteria,
                                       user=user, time_limit=ENSEMBLE_START_SECONDS,
                                       params={"n_plans": ENSEMBLE_PLANS}))


def start_optimise(scenario: Scenario, user, time_limit: float) -> Job:
    """Queue "optimise from here" (the one already queued or running when there is one)."""
    Job.fail_stale()
    running = scenario.jobs.filter(kind="optimise", state__in=["queued", "running"]).first()
    if running is not None:
        return running
    return _enqueue(Job.objects.create(kind="optimise", scenario=scenario,
                                       analysis=scenario.analysis, criteria=scenario.criteria,
                                       user=user, time_limit=time_limit,
                                       params={"locked": list(scenario.locked_units)}))


@dataclass
class Started:
    job: Job
    #: True when an analysis of the same oblast was already running and is reused.
    already: bool


#: Seconds an analysis of an oblast may run before its worker is taken to have stopped.
ANALYSIS_SECONDS = 3600.0


def start_analysis(user, oblast, access: str) -> Started:
    """Queue the core's pipeline for ``oblast`` (the one already running when there is one)."""
    if not user.has_perm("territory.run_analysis"):
        raise PermissionDenied
    Job.fail_stale()
    running = Job.objects.filter(kind="analysis", params__oblast=oblast.code,
                                 state__in=["queued", "running"]).first()
    if running is not None:
        return Started(running, True)
    return Started(_enqueue(Job.objects.create(
        kind="analysis", user=user, time_limit=ANALYSIS_SECONDS,
        params={"oblast": oblast.code, "access": access, "lang": reader_language()})), False)


def job_for(user, pk: int) -> Job:
    """The job ``pk`` if ``user`` may see it (404, else 403); a job its stopped worker left
    behind is failed first, so that its page says so."""
    job = get_object_or_404(Job.objects.select_related("scenario", "analysis", "version"), pk=pk)
    if not user.has_perm("territory.view_job", job):
        raise PermissionDenied
    job.fail_if_stale()
    return job


def stage_text(job: Job) -> str:
    """The step a running analysis is at, in the reader's language (``aimak.manifest``)."""
    if job.kind != "analysis" or job.state not in ("running", "done"):
        return ""
    step, detail = split_stage(job.stage)
    label = stage_label(step, reader_language())
    if detail:  # which criteria set is being planned
        label += f": {dict(CRITERIA).get(detail, detail)}"
    return label


def placement(chosen: list[Scenario], user) -> dict:
    """Where each compared scenario sits among the valid plans the core samples (ReCom) for
    the first scenario's analysis and criteria: sampled once, in the background, then cached.
    Opening the page starts nothing; a user who may start work asks for the sample
    (``start_ensemble``)."""
    from .charts import histogram

    if len(chosen) < 2:
        return {}
    first = chosen[0]
    same = [s for s in chosen if s.analysis_id == first.analysis_id]
    job = ensemble_job(first.analysis, first.criteria)
    out = {"ensemble_job": job, "ensemble_criteria": first.get_criteria_display(),
           "ensemble_start": job is None and may_start_jobs(user),
           "ensemble_for": first.pk}
    if job is not None and job.state == "done":
        session = session_for(first)
        marks = [(s.title_text, session.metrics(s.current.mapping)["mean_minutes_to_centre"])
                 for s in same]
        out["chart"] = histogram(job.result["values"], marks)
        out["ensemble"] = job.result
    return out


def start_ensemble(scenario: Scenario, user) -> Job:
    """Queue the sample of valid plans for the scenario's analysis and criteria (the one that
    exists when there is one); only users who may start work."""
    if not may_start_jobs(user):
        raise PermissionDenied
    return ensemble_job(scenario.analysis, scenario.criteria, user, start=True)
