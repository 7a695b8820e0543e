"""Views of the contest: they check the rule, parse the request and call the models."""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from aimak_web.core.exports import pdf_response, xlsx_response

from .anonymity import Anonymiser
from .facts import display, platform_facts
from .forms import (
    ApplicationForm,
    ConflictForm,
    CriterionForm,
    EditionForm,
    EvidenceForm,
    JurorForm,
    ScoreForm,
)
from .models import Application, Edition, Evidence, JuryMember, Score
from .results import compute, fairness, progress, submitted_codes

POST_LIMIT = ratelimit(key="user_or_ip", rate=settings.AIMAK_RATE_POST, method="POST")


def _edition(year: int) -> Edition:
    return get_object_or_404(Edition, year=year)


def _allowed(request, perm: str, obj=None) -> bool:
    """The contest's own rule (``rules.py``), also for superusers: an organiser is no juror."""
    return rules.has_perm(perm, request.user, obj)


def _require(request, perm: str, obj=None) -> None:
    if not _allowed(request, perm, obj):
        raise PermissionDenied


# --- public ----------------------------------------------------------------------------------

def index(request):
    editions = Edition.objects.exclude(state=Edition.State.SETUP).order_by("-year")
    if _allowed(request, "contests.organise"):
        editions = Edition.objects.order_by("-year")
    return render(request, "contests/index.html", {"editions": editions})


def edition(request, year: int):
    ed = _edition(year)
    organiser = _allowed(request, "contests.organise")
    if ed.state == Edition.State.SETUP and not organiser:
        raise Http404
    criteria = list(ed.criteria.all())
    mine = None
    if request.user.is_authenticated and request.user.municipality_id:
        mine = Application.objects.filter(edition=ed,
                                          municipality_id=request.user.municipality_id).first()
    rows = ed.approved_results if ed.state == Edition.State.PUBLISHED else []
    return render(request, "contests/edition.html", {
        "edition": ed, "criteria": criteria, "rows": rows, "organiser": organiser,
        "is_juror": _allowed(request, "contests.judge", ed), "mine": mine,
        "can_apply": _allowed(request, "contests.apply"),
        "n_submitted": ed.applications.filter(state=Application.State.SUBMITTED).count()})


def certificate(request, year: int, code: str, lang: str):
    """A winner's certificate (PDF, Russian or Kyrgyz), once the results are published."""
    ed = _edition(year)
    if ed.state != Edition.State.PUBLISHED or lang not in ("ru", "ky"):
        raise Http404
    row = next((r for r in ed.approved_results if r["code"] == code and r["rank"]), None)
    if row is None:
        raise Http404
    from .documents import certificate_pdf

    pdf = certificate_pdf(ed, row, lang, request.build_absolute_uri("/"))
    return pdf_response(pdf, f"certificate-{code}-{lang}.pdf")


# --- organisers ------------------------------------------------------------------------------

@login_required
@POST_LIMIT
def edition_form(request, year: int | None = None):
    _require(request, "contests.organise")
    ed = _edition(year) if year else None
    if ed and ed.state != Edition.State.SETUP:
        messages.error(request, _("Only an edition being set up can be changed."))
        return redirect("contests:edition", ed.year)
    form = EditionForm(request.POST or None, instance=ed)
    if request.method == "POST" and form.is_valid():
        new = form.save(commit=False)
        if ed is None:
            new.created_by = request.user
        new.save()
        messages.success(request, _("Edition saved."))
        return redirect("contests:criteria", new.year)
    return render(request, "contests/edition_form.html", {"form": form, "edition": ed})


@login_required
@POST_LIMIT
def criteria(request, year: int):
    _require(request, "contests.organise")
    ed = _edition(year)
    form = CriterionForm(request.POST or None)
    if request.method == "POST":
        if ed.state != Edition.State.SETUP:
            raise PermissionDenied
        if form.is_valid():
            c = form.save(commit=False)
            c.edition = ed
            c.save()
            messages.success(request, _("Criterion added."))
            return redirect("contests:criteria", ed.year)
    return render(request, "contests/criteria.html", {
        "edition": ed, "form": form, "criteria": list(ed.criteria.all())})


@login_required
@POST_LIMIT
def jurors(request, year: int):
    """Organisers add jury members and follow their progress (never their scores)."""
    _require(request, "contests.organise")
    ed = _edition(year)
    form = JurorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if ed.state in (Edition.State.REVIEW, Edition.State.PUBLISHED):
            raise PermissionDenied
        JuryMember.objects.get_or_create(edition=ed, user=form.cleaned_data["user"])
        messages.success(request, _("Jury member added."))
        return redirect("contests:jurors", ed.year)
    return render(request, "contests/jurors.html", {
        "edition": ed, "form": form, "progress": progress(ed), "codes": submitted_codes(ed)})


TRANSITIONS = {"open": "open_applications", "jury": "start_jury", "close": "close_jury",
               "reopen": "reopen_jury"}


@login_required
@require_POST
@POST_LIMIT
def transition(request, year: int):
    _require(request, "contests.organise")
    ed = _edition(year)
    action = request.POST.get("action", "")
    try:
        if action == "approve":
            ed.approve(request.user)
        elif action in TRANSITIONS:
            getattr(ed, TRANSITIONS[action])()
        else:
            raise Http404
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Done: %(state)s.") % {"state": ed.get_state_display()})
    return redirect("contests:edition", ed.year)


@login_required
def review(request, year: int):
    """Results with names and the fairness figures, for the organisers, before approval."""
    _require(request, "contests.organise")
    ed = _edition(year)
    if not ed.scores_visible:
        raise PermissionDenied
    return render(request, "contests/review.html", {
        "edition": ed, "rows": compute(ed), "criteria": list(ed.criteria.all()),
        "fair": fairness(ed)})


@login_required
def export(request, year: int):
    _require(request, "contests.organise")
    ed = _edition(year)
    if not ed.scores_visible:
        raise PermissionDenied
    from .documents import scores_xlsx

    return xlsx_response(scores_xlsx(ed), f"contest-{ed.year}-scores.xlsx")


# --- applicants ------------------------------------------------------------------------------

@login_required
@POST_LIMIT
def apply(request, year: int):
    """Staff fill, submit, withdraw their municipality's application, and upload evidence."""
    _require(request, "contests.apply")
    ed = _edition(year)
    if ed.state == Edition.State.SETUP:
        raise Http404
    muni = request.user.municipality
    app = Application.objects.filter(edition=ed, municipality=muni).first()
    if app is not None:
        _require(request, "contests.edit_application", app)
    editable = ed.application_window_open() and (app is None or not app.locked)
    form = ApplicationForm(request.POST or None, instance=app)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if not ed.is_eligible(muni):
            form.add_error(None, _("Municipalities of this kind cannot take part."))
        elif form.is_valid():
            app = form.save(commit=False)
            if app.pk is None:
                app.edition, app.municipality, app.created_by = ed, muni, request.user
            app.save()
            messages.success(request, _("Application saved (draft)."))
            return redirect("contests:apply", ed.year)
    if app is not None and app.locked:
        facts = app.auto_facts
    else:
        facts = platform_facts(muni, ed.hearings_from, ed.hearings_to)
    return render(request, "contests/apply.html", {
        "edition": ed, "app": app, "form": form, "editable": editable, "facts": display(facts),
        "evidence_form": EvidenceForm(), "evidence": list(app.evidence.all()) if app else []})


@login_required
@require_POST
@POST_LIMIT
def apply_evidence(request, year: int):
    _require(request, "contests.apply")
    ed = _edition(year)
    app = get_object_or_404(Application, edition=ed, municipality=request.user.municipality)
    _require(request, "contests.edit_application", app)
    if app.locked or not ed.application_window_open():
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["file"]
        Evidence.objects.create(application=app, file=f, original_name=f.name,
                                description=form.cleaned_data["description"])
        messages.success(request, _("File added."))
        return redirect("contests:apply", ed.year)
    return render(request, "contests/apply.html", {
        "edition": ed, "app": app, "form": ApplicationForm(instance=app), "editable": True,
        "facts": [], "evidence_form": form, "evidence": list(app.evidence.all())}, status=400)


@login_required
@require_POST
@POST_LIMIT
def apply_action(request, year: int):
    _require(request, "contests.apply")
    ed = _edition(year)
    app = get_object_or_404(Application, edition=ed, municipality=request.user.municipality)
    _require(request, "contests.edit_application", app)
    action = request.POST.get("action")
    try:
        if action == "submit":
            app.submit()
            messages.success(request, _("Submitted. Your application's code is %(code)s.")
                             % {"code": app.code})
        elif action == "withdraw":
            app.withdraw()
            messages.success(request, _("Application withdrawn."))
        elif action == "reopen":
            app.reopen()
            messages.success(request, _("The application is a draft again."))
        else:
            raise Http404
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("contests:apply", ed.year)


# --- jury ------------------------------------------------------------------------------------

def _seat(request, ed: Edition) -> JuryMember:
    _require(request, "contests.judge", ed)
    member = JuryMember.objects.filter(edition=ed, user=request.user).first()
    if member is None:
        raise PermissionDenied
    return member


@login_required
def jury(request, year: int):
    """A jury member's list: application codes only, and how far they have scored each."""
    ed = _edition(year)
    seat = _seat(request, ed)
    recused = seat.recused_ids()
    n_crit = ed.criteria.count()
    apps = list(Application.objects.filter(edition=ed, state=Application.State.SUBMITTED)
                .order_by("code"))
    done = {}
    for a_id in Score.objects.filter(juror=seat).values_list("application_id", flat=True):
        done[a_id] = done.get(a_id, 0) + 1
    rows = [{"app": a, "recused": a.pk in recused, "done": done.get(a.pk, 0) == n_crit > 0}
            for a in apps]
    return render(request, "contests/jury.html", {"edition": ed, "seat": seat, "rows": rows})


@login_required
@POST_LIMIT
def conflicts(request, year: int):
    ed = _edition(year)
    seat = _seat(request, ed)
    form = ConflictForm(request.POST or None, edition=ed)
    if request.method == "POST":
        if ed.state in (Edition.State.REVIEW, Edition.State.PUBLISHED):
            raise PermissionDenied
        if form.is_valid():
            with transaction.atomic():
                data = form.cleaned_data
                if data["municipality"]:
                    seat.conflict_municipalities.add(data["municipality"])
                if data["rayon"]:
                    seat.conflict_rayons.add(data["rayon"])
                if data["codes"]:
                    seat.conflict_applications.add(*data["codes"])
                seat.conflicts_declared_at = timezone.now()
                seat.save(update_fields=["conflicts_declared_at"])
            messages.success(request, _("Your declaration is saved; you will not see the "
                                        "applications concerned."))
            return redirect("contests:jury", ed.year)
    return render(request, "contests/conflicts.html", {
        "edition": ed, "seat": seat, "form": form,
        "codes": list(seat.conflict_applications.values_list("code", flat=True)),
        "n_places": seat.conflict_municipalities.count() + seat.conflict_rayons.count()})


def _jury_application(request, ed: Edition, code: str) -> tuple[JuryMember, Application]:
    seat = _seat(request, ed)
    app = get_object_or_404(Application.objects.select_related("municipality__rayon"),
                            edition=ed, code=code, state=Application.State.SUBMITTED)
    if seat.is_recused(app):
        raise PermissionDenied
    return seat, app


@login_required
@POST_LIMIT
def jury_application(request, year: int, code: str):
    """The application without its applicant's identity, and this member's score sheet."""
    ed = _edition(year)
    seat, app = _jury_application(request, ed, code)
    criteria = list(ed.criteria.all())
    mine = {s.criterion_id: s for s in Score.objects.filter(juror=seat, application=app)}
    form = ScoreForm(request.POST or None, criteria=criteria, initial_scores=mine)
    if request.method == "POST":
        if ed.state != Edition.State.JURY:
            raise PermissionDenied
        if form.is_valid():
            with transaction.atomic():
                for c in criteria:
                    Score.record(seat, app, c, form.cleaned_data[f"score_{c.pk}"],
                                 form.cleaned_data[f"comment_{c.pk}"])
            messages.success(request, _("Scores saved for %(code)s.") % {"code": app.code})
            return redirect("contests:jury", ed.year)
    anon = Anonymiser.for_application(app)
    others = []
    if ed.scores_visible:
        others = list(Score.objects.filter(application=app).exclude(juror=seat)
                      .select_related("juror__user", "criterion").order_by("juror", "criterion"))
    files = [{"pk": e.pk, "name": anon.filename(e.original_name),
              "description": anon.text(e.description)} for e in app.evidence.all()]
    return render(request, "contests/jury_application.html", {
        "edition": ed, "app": app, "form": form, "open": ed.state == Edition.State.JURY,
        "summary": anon.text(app.summary), "offline": anon.text(app.offline_hearings),
        "facts": display(app.auto_facts, anon), "files": files, "others": others})


@login_required
def jury_file(request, year: int, code: str, pk: int):
    """An evidence file, served under its anonymised name."""
    ed = _edition(year)
    _unused, app = _jury_application(request, ed, code)
    ev = get_object_or_404(Evidence, pk=pk, application=app)
    name = Anonymiser.for_application(app).filename(ev.original_name)
    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=name)
