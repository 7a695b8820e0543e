"""The territory explorer: scenarios listed, edited with live indicators, compared, exported."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from aimak.errors import InputError
from aimak_web.core import limits
from aimak_web.core.csp import sandboxed_document
from aimak_web.core.exports import csv_response
from aimak_web.places.models import Municipality

from . import services
from .display import unit_display
from .evaluation import evaluation_json, session_for
from .forms import AnalysisForm, CentreForm, MoveForm, OptimiseForm, UploadForm
from .models import Analysis, Job, Scenario


def index(request):
    user = request.user
    return render(request, "territory/index.html", {
        "scenarios": services.visible_scenarios(user).order_by("analysis_id", "title", "pk"),
        "analyses": Analysis.objects.order_by("-created", "-pk"),
        "can_create": user.has_perm("territory.create_scenario"),
        "can_run": user.has_perm("territory.run_analysis")})


def scenario(request, pk: int):
    s = services.scenario_for(request.user, pk)
    return render(request, "territory/scenario.html", {
        "s": s, "version": s.current, "data": services.scenario_page(s),
        "can_edit": request.user.has_perm("territory.edit_scenario", s),
        "can_publish": request.user.has_perm("territory.publish_scenario", s),
        "optimise_form": OptimiseForm(),
        "jobs": s.jobs.filter(kind="optimise").select_related("version")[:5],
        "versions": s.versions.select_related("author")[:20],
        "display": unit_display(s.current.mapping),
        "others": services.visible_scenarios(request.user).filter(
            analysis=s.analysis).exclude(pk=s.pk)})


def scenario_geojson(request, pk: int):
    """Today's municipalities with the new unit each belongs to in the scenario."""
    s = services.scenario_for(request.user, pk)
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


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _edited(request, s: Scenario, edit):
    """Answer an edit: the new evaluation (JSON) or the scenario page; a refused edit says
    why."""
    try:
        data = edit()
    except services.EditRefusedError as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=400)
        messages.error(request, str(exc))
        return redirect(s)
    if not _wants_json(request):
        return redirect(s)
    # the page redraws itself from this answer only: version, versions, locks, colours
    s.refresh_from_db()
    data.update(_display_state(s, data["mapping"]))
    return JsonResponse(data)


def _display_state(s: Scenario, mapping: list[dict]) -> dict:
    """What the explorer's page shows beside the evaluation (aimak_web.territory.display)."""
    return {"version": s.current.number, "locked": list(s.locked_units),
            "versions": [{"number": v.number, "created": date_format(
                localtime(v.created), "Y-m-d H:i"), "author": str(v.author or "—"),
                          "note": v.note_text} for v in s.versions.select_related("author")[:20]],
            "display": unit_display(mapping)}


@login_required
@require_POST
@ratelimit(key=limits.KEY, rate=limits.rate("AIMAK_RATE_EDIT"), method="POST")
def move(request, pk: int):
    """Move one municipality to another (or a new) unit; answer the new evaluation."""
    s = services.scenario_for(request.user, pk, "territory.edit_scenario")
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _edited(request, s, _refuse(_("Choose a municipality and a unit.")))
    return _edited(request, s, lambda: services.move(
        s, request.user, form.cleaned_data["old_code"], form.cleaned_data["new_unit"]))


def _refuse(message: str):
    def edit():
        raise services.EditRefusedError(message)
    return edit


@login_required
@require_POST
def centre(request, pk: int):
    s = services.scenario_for(request.user, pk, "territory.edit_scenario")
    form = CentreForm(request.POST)
    if not form.is_valid():
        return _edited(request, s, _refuse(_("Choose a unit and a centre.")))
    return _edited(request, s, lambda: services.set_centre(
        s, request.user, form.cleaned_data["new_unit"], form.cleaned_data["centre"]))


@login_required
@require_POST
def lock(request, pk: int):
    """Lock or unlock a unit (kept as it is by later edits)."""
    s = services.scenario_for(request.user, pk, "territory.edit_scenario")
    services.toggle_lock(s, request.POST.get("new_unit", ""))
    return redirect(s)


@login_required
@require_POST
def copy(request, pk: int):
    return redirect(services.copy(services.scenario_for(request.user, pk), request.user))


@login_required
@require_POST
def set_status(request, pk: int):
    s = services.scenario_for(request.user, pk, "territory.publish_scenario")
    services.set_status(s, request.POST.get("status", ""))
    return redirect(s)


def export_csv(request, pk: int):
    s = services.scenario_for(request.user, pk)
    return csv_response(services.PLAN_COLUMNS, services.export_rows(s),
                        f"scenario-{s.pk}-v{s.current.number}.csv", bom=True)


@login_required
def upload(request):
    """Create a scenario from a plan file; every bad row is reported and nothing is saved."""
    if not request.user.has_perm("territory.create_scenario"):
        raise PermissionDenied
    analysis = Analysis.objects.order_by("-created", "-pk").first()
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid() and analysis is not None:
        f = form.cleaned_data["file"]
        try:
            s = services.upload(request.user, form.cleaned_data["title"],
                                form.cleaned_data["criteria"], f.read(), f.name)
        except InputError as exc:
            problems = [str(p) for p in exc.problems]
        else:
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
    visible = services.visible_scenarios(request.user)
    chosen = sorted(visible.filter(pk__in=ids), key=lambda s: ids.index(s.pk))
    rows, changes = [], []
    if len(chosen) >= 2:
        evals = [evaluation_json(session_for(s), s.current.mapping) for s in chosen]
        for key, label, digits in SUMMARY_ROWS:
            rows.append((label, [_number(e["summary"].get(key), digits) for e in evals]))
        names = services.municipality_names()
        first = {r["old_code"]: r["new_unit"] for r in chosen[0].current.mapping}
        for other in chosen[1:]:
            for r in other.current.mapping:
                before = first.get(r["old_code"])
                if before != r["new_unit"]:  # a unit is named after its centre municipality
                    changes.append((other, names.get(r["old_code"], r["old_code"]),
                                    names.get(before, before), names.get(r["new_unit"],
                                                                         r["new_unit"])))
    return render(request, "territory/compare.html", {
        "chosen": chosen, "rows": rows, "changes": changes, "all": visible,
        **services.placement(chosen, request.user)})


# ---------------------------------------------------------------------- background tasks
def _job(request, pk: int) -> Job | None:
    """The job, or None when an anonymous visitor must sign in to see it."""
    try:
        return services.job_for(request.user, pk)
    except PermissionDenied:
        if not request.user.is_authenticated:
            return None
        raise


@login_required
@require_POST
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def optimise(request, pk: int):
    """Queue "optimise from here": the solver repairs and improves the plan, keeping the
    locked units; the result becomes a new version of this scenario."""
    s = services.scenario_for(request.user, pk, "territory.edit_scenario")
    form = OptimiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The time limit must be between 5 and 600 seconds."))
        return redirect(s)
    return redirect(services.start_optimise(s, request.user, form.cleaned_data["time_limit"]))


@login_required
@require_POST
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def ensemble_start(request, pk: int):
    """Ask for the sample of valid plans of a scenario's analysis and criteria (the comparison
    shows it when it is ready); back to the comparison it was asked from."""
    s = services.scenario_for(request.user, pk)
    services.start_ensemble(s, request.user)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else s)


def _job_json(job: Job) -> dict:
    data = {"state": job.state, "state_label": str(job.get_state_display()),
            "progress": job.progress, "stage": services.stage_text(job)}
    if job.state == "done":
        if job.version_id:
            data["result_url"] = job.scenario.get_absolute_url()
            data["result_label"] = _("Version %(n)s of «%(t)s»") % {
                "n": job.version.number, "t": job.scenario.title_text}
        elif job.kind == "analysis" and job.analysis_id:
            data["result_url"] = reverse("territory:index") + f"#analysis-{job.analysis_id}"
            data["result_label"] = job.analysis.title_text
    if job.state == "failed":
        data["error"] = str(job.get_error_display())
        data["detail"] = job.detail_text
    return data


def job(request, pk: int):
    j = _job(request, pk)
    if j is None:
        return redirect_to_login(request.get_full_path())
    return render(request, "territory/job.html", {"job": j, "data": _job_json(j)})


def job_status(request, pk: int):
    j = _job(request, pk)
    if j is None:
        return redirect_to_login(request.get_full_path())
    return JsonResponse(_job_json(j))


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def analysis_start(request):
    """An administrator starts the core's territory pipeline for an oblast in the background."""
    if not request.user.has_perm("territory.run_analysis"):
        raise PermissionDenied
    form = AnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        started = services.start_analysis(request.user, form.cleaned_data["oblast"],
                                          form.cleaned_data["access"])
        if started.already:
            messages.info(request, _("An analysis of this oblast is already running."))
        return redirect(started.job)
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
