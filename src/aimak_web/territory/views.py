"""The territory explorer: scenarios listed, edited with live indicators, compared, exported."""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from aimak.errors import InputError
from aimak_web.core import limits
from aimak_web.core.csp import sandboxed_document
from aimak_web.core.exports import csv_response, dict_rows
from aimak_web.places.models import Municipality

from .display import unit_display
from .evaluation import evaluation_json, session_for
from .forms import AnalysisForm, CentreForm, MoveForm, OptimiseForm, UploadForm
from .models import Analysis, Job, Scenario


def _visible(user):
    qs = Scenario.objects.select_related("analysis", "author")
    if user.is_authenticated and user.has_perm("territory.create_scenario"):
        return qs
    cond = Q(status__in=["proposed", "official"])
    if user.is_authenticated:
        cond |= Q(author=user)
    return qs.filter(cond)


def _scenario(request, pk: int, perm: str = "territory.view_scenario") -> Scenario:
    scenario = get_object_or_404(Scenario.objects.select_related("analysis"), pk=pk)
    if not request.user.has_perm(perm, scenario):
        raise PermissionDenied
    return scenario


def index(request):
    return render(request, "territory/index.html", {
        "scenarios": _visible(request.user).order_by("analysis_id", "title"),
        "analyses": Analysis.objects.order_by("-created"),
        "can_create": request.user.has_perm("territory.create_scenario"),
        "can_run": request.user.has_perm("territory.run_analysis")})


def _names() -> dict[str, str]:
    return {m.code: m.name for m in Municipality.objects.only("code", "name_ru", "name_ky",
                                                               "name_en")}


def scenario(request, pk: int):
    s = _scenario(request, pk)
    version = s.current
    data = evaluation_json(session_for(s), version.mapping)
    names = _names()
    for row in data["mapping"]:
        row["name"] = names.get(row["old_code"], row["old_code"])
    for u in data["units"]:
        u["name"] = names.get(u["new_unit"], u["new_unit"])
    return render(request, "territory/scenario.html", {
        "s": s, "version": version, "data": data,
        "can_edit": request.user.has_perm("territory.edit_scenario", s),
        "can_publish": request.user.has_perm("territory.publish_scenario", s),
        "optimise_form": OptimiseForm(),
        "jobs": s.jobs.filter(kind="optimise").select_related("version")[:5],
        "versions": s.versions.select_related("author")[:20],
        "display": unit_display(version.mapping),
        "others": _visible(request.user).filter(analysis=s.analysis).exclude(pk=s.pk)})


def scenario_geojson(request, pk: int):
    """Today's municipalities with the new unit each belongs to in the scenario."""
    s = _scenario(request, pk)
    unit_of = {r["old_code"]: r["new_unit"] for r in s.current.mapping}
    features = []
    for m in Municipality.objects.filter(code__in=unit_of).only(
            "code", "name_ru", "name_ky", "name_en", "territory"):
        if m.territory:
            features.append({"type": "Feature", "geometry": json.loads(m.territory),
                             "properties": {"code": m.code, "name": m.name,
                                            "unit": unit_of[m.code]}})
    return JsonResponse({"type": "FeatureCollection", "features": features,
                         "units": unit_display(s.current.mapping)})


def _edit_response(request, s: Scenario, mapping: list[dict], note: str, params: dict):
    data = evaluation_json(session_for(s), mapping)
    s.add_version(data["mapping"], request.user, note, data["summary"], params)
    if request.headers.get("Accept", "").startswith("application/json"):
        names = _names()
        for u in data["units"]:
            u["name"] = names.get(u["new_unit"], u["new_unit"])
        # the page redraws itself from this answer only: version, versions, locks, colours
        data.update(_display_state(s, data["mapping"]))
        return JsonResponse(data)
    return redirect(s)


def _display_state(s: Scenario, mapping: list[dict]) -> dict:
    """What the explorer's page shows beside the evaluation (aimak_web.territory.display)."""
    return {"version": s.current.number, "locked": list(s.locked_units),
            "versions": [{"number": v.number, "created": date_format(
                localtime(v.created), "Y-m-d H:i"), "author": str(v.author or "—"),
                          "note": v.note_text} for v in s.versions.select_related("author")[:20]],
            "display": unit_display(mapping)}


def _bad_edit(request, s: Scenario, message: str):
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"error": message}, status=400)
    messages.error(request, message)
    return redirect(s)


@login_required
@require_POST
@ratelimit(key=limits.KEY, rate=limits.rate("AIMAK_RATE_EDIT"), method="POST")
def move(request, pk: int):
    """Move one municipality to another (or a new) unit; answer the new evaluation."""
    s = _scenario(request, pk, "territory.edit_scenario")
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _bad_edit(request, s, _("Choose a municipality and a unit."))
    code, unit = form.cleaned_data["old_code"], form.cleaned_data["new_unit"]
    mapping = s.current.mapping
    if unit == "__new__":
        unit = code
        if any(r["new_unit"] == unit and r["old_code"] != code for r in mapping):
            unit = f"{code}-new"
    locked = set(s.locked_units)
    before = next((r["new_unit"] for r in mapping if r["old_code"] == code), None)
    if before in locked or unit in locked:
        return _bad_edit(request, s, _("That unit is locked."))
    try:
        new = session_for(s).move(mapping, code, unit)
    except InputError as exc:
        return _bad_edit(request, s, str(exc))
    return _edit_response(request, s, new, gettext_noop("%(code)s moved from %(before)s to "
                                                        "%(unit)s"),
                          {"code": code, "before": before, "unit": unit})


@login_required
@require_POST
def centre(request, pk: int):
    s = _scenario(request, pk, "territory.edit_scenario")
    form = CentreForm(request.POST)
    if not form.is_valid():
        return _bad_edit(request, s, _("Choose a unit and a centre."))
    try:
        new = session_for(s).set_centre(s.current.mapping, form.cleaned_data["new_unit"],
                                        form.cleaned_data["centre"])
    except InputError as exc:
        return _bad_edit(request, s, str(exc))
    return _edit_response(request, s, new, gettext_noop("new centre of %(unit)s"),
                          {"unit": form.cleaned_data["new_unit"]})


@login_required
@require_POST
def lock(request, pk: int):
    """Lock or unlock a unit (kept as it is by later edits)."""
    s = _scenario(request, pk, "territory.edit_scenario")
    unit = request.POST.get("new_unit", "")
    units = {r["new_unit"] for r in s.current.mapping}
    if unit in units:
        locked = set(s.locked_units)
        locked.symmetric_difference_update({unit})
        s.locked_units = sorted(locked)
        s.save(update_fields=["locked_units"])
    return redirect(s)


@login_required
@require_POST
def copy(request, pk: int):
    s = _scenario(request, pk)
    if not request.user.has_perm("territory.create_scenario"):
        raise PermissionDenied
    new = Scenario.objects.create(analysis=s.analysis, title=_("Copy of %(t)s") % {"t": s.title},
                                  criteria=s.criteria, origin="copy", author=request.user)
    new.add_version(s.current.mapping, request.user,
                    gettext_noop("copy of scenario #%(pk)s, version %(n)s"), s.current.summary,
                    {"pk": s.pk, "n": s.current.number})
    return redirect(new)


@login_required
@require_POST
def set_status(request, pk: int):
    s = _scenario(request, pk, "territory.publish_scenario")
    status = request.POST.get("status")
    if status in dict(Scenario.STATUS):
        s.status = status
        s.save(update_fields=["status"])
    return redirect(s)


@login_required
@require_POST
def start_hearing(request, pk: int):
    """Municipal staff start (as a draft) a public hearing on the unit their municipality
    would join in this scenario; every municipality of that unit is linked to it."""
    from django.utils import timezone

    from aimak_web.hearings.models import Hearing, Subject

    s = _scenario(request, pk)
    user = request.user
    muni = user.municipality
    if muni is None or not user.has_perm("hearings.create_hearing", muni):
        raise PermissionDenied
    unit = next((r["new_unit"] for r in s.current.mapping if r["old_code"] == muni.code), None)
    if unit is None:
        messages.error(request, _("Your municipality is not part of this scenario."))
        return redirect(s)
    members = [r["old_code"] for r in s.current.mapping if r["new_unit"] == unit]
    hearing = Hearing.objects.create(
        municipality=muni, subject=Subject.MERGER, year=timezone.now().year, scenario=s,
        title_ru=f"Публичные слушания: предложение об объединении («{s.title}»)",
        title_ky=f"Коомдук угуу: бириктирүү сунушу («{s.title}»)", created_by=user)
    hearing.affected.set(Municipality.objects.filter(code__in=members))
    messages.success(request, _("A draft hearing on this proposal is created; set its dates "
                                "and announce it."))
    return redirect("hearings:edit", hearing.pk)


def export_csv(request, pk: int):
    s = _scenario(request, pk)
    columns = ["old_code", "new_unit", "centre"]
    return csv_response(columns, dict_rows(columns, s.current.mapping),
                        f"scenario-{s.pk}-v{s.current.number}.csv")


@login_required
def upload(request):
    """Create a scenario from a plan CSV; every bad row is reported and nothing is saved."""
    if not request.user.has_perm("territory.create_scenario"):
        raise PermissionDenied
    analysis = Analysis.objects.order_by("-created").first()
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid() and analysis is not None:
        text = form.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
        rows = list(csv.DictReader(io.StringIO(text)))
        probe = Scenario(analysis=analysis, criteria=form.cleaned_data["criteria"])
        try:
            session = session_for(probe)
            mapping = session.mapping(session.plan(rows))
        except InputError as exc:
            name = form.cleaned_data["file"].name
            problems = [f"{name}: " + (f"row {p.row}, " if p.row else "")
                        + (f"column {p.column}: " if p.column else "") + p.message
                        for p in exc.problems]
        else:
            s = Scenario.objects.create(analysis=analysis, title=form.cleaned_data["title"],
                                        criteria=form.cleaned_data["criteria"], origin="upload",
                                        author=request.user)
            data = evaluation_json(session, mapping)
            s.add_version(mapping, request.user, gettext_noop("uploaded"), data["summary"])
            return redirect(s)
    return render(request, "territory/upload.html", {"form": form, "problems": problems,
                                                     "analysis": analysis})


#: the plan figures of the comparison: key of the core's summary, label, decimals shown
SUMMARY_ROWS = [
    ("units", gettext_lazy("Units"), 0),
    ("population", gettext_lazy("Population"), 0),
    ("smallest_unit_population", gettext_lazy("Smallest unit, inhabitants"), 0),
    ("largest_unit_population", gettext_lazy("Largest unit, inhabitants"), 0),
    ("mean_minutes_to_centre", gettext_lazy("Mean minutes to the centre"), 1),
    ("max_minutes_to_centre", gettext_lazy("Max minutes to the centre"), 0),
    ("share_within_30_min", gettext_lazy("Share within 30 minutes"), 3),
    ("share_within_60_min", gettext_lazy("Share within 60 minutes"), 3),
    ("self_containment", gettext_lazy("Flows kept inside units"), 3),
    ("violations", gettext_lazy("Violations"), 0),
]


def _number(value, digits: int) -> str | None:
    """A figure as the reader's language writes it (None stays None: shown as a dash)."""
    if value is None:
        return None
    return number_format(round(float(value), digits), decimal_pos=digits, use_l10n=True,
                         force_grouping=True)


def compare(request):
    """Two or more scenarios side by side, and the municipalities that change unit."""
    ids = [int(i) for i in request.GET.getlist("s") if i.isdigit()][:4]
    chosen = [s for s in _visible(request.user).filter(pk__in=ids)]
    chosen.sort(key=lambda s: ids.index(s.pk))
    rows, changes = [], []
    if len(chosen) >= 2:
        evals = [evaluation_json(session_for(s), s.current.mapping) for s in chosen]
        for key, label, digits in SUMMARY_ROWS:
            rows.append((label, [_number(e["summary"].get(key), digits) for e in evals]))
        names = _names()
        first = {r["old_code"]: r["new_unit"] for r in chosen[0].current.mapping}
        for other in chosen[1:]:
            for r in other.current.mapping:
                before = first.get(r["old_code"])
                if before != r["new_unit"]:  # a unit is named after its centre municipality
                    changes.append((other, names.get(r["old_code"], r["old_code"]),
                                    names.get(before, before), names.get(r["new_unit"],
                                                                         r["new_unit"])))
    return render(request, "territory/compare.html", {
        "chosen": chosen, "rows": rows, "changes": changes,
        "all": _visible(request.user), **_placement(request, chosen)})


def _placement(request, chosen: list[Scenario]) -> dict:
    """Where each compared scenario sits among the valid plans the core samples (ReCom) for
    the first scenario's analysis and criteria: sampled once, in the background, then cached."""
    from .charts import histogram
    from .tasks import ensemble_job

    if len(chosen) < 2:
        return {}
    first = chosen[0]
    same = [s for s in chosen if s.analysis_id == first.analysis_id]
    job = ensemble_job(first.analysis, first.criteria, request.user)
    out = {"ensemble_job": job, "ensemble_criteria": first.get_criteria_display()}
    if job.state == "done":
        session = session_for(first)
        marks = [(s.title, session.metrics(s.current.mapping)["mean_minutes_to_centre"])
                 for s in same]
        out["chart"] = histogram(job.result["values"], marks)
        out["ensemble"] = job.result
    return out


# ---------------------------------------------------------------------- background tasks
class _SignInError(Exception):
    pass


def _job(request, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("scenario", "analysis", "version"), pk=pk)
    if not request.user.has_perm("territory.view_job", job):
        if not request.user.is_authenticated:
            raise _SignInError
        raise PermissionDenied
    job.fail_if_stale()  # the page of a task its stopped worker left behind says so
    return job


def _enqueue(job: Job, task) -> Job:
    result = task.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])
    return job


@login_required
@require_POST
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def optimise(request, pk: int):
    """Queue "optimise from here": the solver repairs and improves the plan, keeping the
    locked units; the result becomes a new version of this scenario."""
    from .tasks import optimise_scenario

    s = _scenario(request, pk, "territory.edit_scenario")
    form = OptimiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The time limit must be between 5 and 600 seconds."))
        return redirect(s)
    Job.fail_stale()
    running = s.jobs.filter(kind="optimise", state__in=["queued", "running"]).first()
    if running is not None:
        return redirect(running)
    job = Job.objects.create(kind="optimise", scenario=s, analysis=s.analysis,
                             criteria=s.criteria, user=request.user,
                             time_limit=form.cleaned_data["time_limit"],
                             params={"locked": list(s.locked_units)})
    return redirect(_enqueue(job, optimise_scenario))


def _stage(job: Job) -> str:
    """The step a running analysis is at, in the user's language (the pipeline names it)."""
    labels = {"dataset": _("building the dataset"), "travel times": _("travel times"),
              "flows": _("flows"), "functional zones": _("functional zones"),
              "amalgamation plans": _("amalgamation plans"), "forecasts": _("forecasts"),
              "official plan": _("the official plan"), "report": _("the report")}
    from .models import CRITERIA
    from .tasks import pipeline_step

    if job.kind != "analysis" or job.state not in ("running", "done"):
        return ""
    label = str(labels.get(pipeline_step(job.stage), ""))
    if job.stage.startswith("plan: "):  # which criteria set is being planned
        name = job.stage.removeprefix("plan: ")
        label += f": {dict(CRITERIA).get(name, name)}"
    return label


def _job_json(job: Job) -> dict:
    data = {"state": job.state, "state_label": str(job.get_state_display()),
            "progress": job.progress, "stage": _stage(job)}
    if job.state == "done":
        if job.version_id:
            data["result_url"] = job.scenario.get_absolute_url()
            data["result_label"] = _("Version %(n)s of «%(t)s»") % {
                "n": job.version.number, "t": job.scenario.title}
        elif job.kind == "analysis" and job.analysis_id:
            data["result_url"] = reverse("territory:index") + f"#analysis-{job.analysis_id}"
            data["result_label"] = job.analysis.title
    if job.state == "failed":
        data["error"] = str(job.get_error_display())
        data["detail"] = job.detail_text
    return data


def job(request, pk: int):
    try:
        j = _job(request, pk)
    except _SignInError:
        return redirect_to_login(request.get_full_path())
    return render(request, "territory/job.html", {"job": j, "data": _job_json(j)})


def job_status(request, pk: int):
    try:
        j = _job(request, pk)
    except _SignInError:
        return redirect_to_login(request.get_full_path())
    return JsonResponse(_job_json(j))


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def analysis_start(request):
    """An administrator starts the core's territory pipeline for an oblast in the background."""
    from aimak_web.core.text import reader_language

    from .tasks import run_analysis

    if not request.user.has_perm("territory.run_analysis"):
        raise PermissionDenied
    form = AnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        oblast = form.cleaned_data["oblast"]
        Job.fail_stale()
        running = Job.objects.filter(kind="analysis", params__oblast=oblast.code,
                                     state__in=["queued", "running"]).first()
        if running is not None:
            messages.info(request, _("An analysis of this oblast is already running."))
            return redirect(running)
        job = Job.objects.create(kind="analysis", user=request.user, time_limit=3600,
                                 params={"oblast": oblast.code,
                                         "access": form.cleaned_data["access"],
                                         "lang": reader_language()})
        return redirect(_enqueue(job, run_analysis))
    return render(request, "territory/analysis_start.html", {
        "form": form, "jobs": Job.objects.filter(kind="analysis").select_related(
            "analysis", "user")[:20]})


@sandboxed_document  # the report's inline styles and scripts, in a sandbox of its own
def analysis_report(request, pk: int, fmt: str):
    """The report an analysis run wrote (HTML or PDF), as the pipeline wrote it."""
    from pathlib import Path

    from django.http import FileResponse, Http404

    analysis = get_object_or_404(Analysis, pk=pk)
    if fmt not in ("html", "pdf") or not analysis.report_path:
        raise Http404
    path = Path(analysis.report_path).with_suffix(f".{fmt}")
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=fmt == "pdf", filename=path.name,
                        content_type="application/pdf" if fmt == "pdf"
                        else "text/html; charset=utf-8")
