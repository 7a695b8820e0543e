"""Views of the contest: they check the rule, parse the request, call one service and render."""

from __future__ import annotations

from collections.abc import Callable

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from aimak_web.core.exports import attachment, document_rate, pdf_response, xlsx_response

from . import services
from .facts import display, platform_facts
from .forms import (
    ApplicationForm,
    ConflictForm,
    CriterionForm,
    EditionForm,
    EvidenceForm,
    InviteForm,
    JurorForm,
    ScoreForm,
    TieForm,
)
from .models import Application, Edition, Evidence, JuryMember, Score
from .presenter import BlindPresenter
from .results import compute_with_ties, fairness, progress, published_rows, submitted_codes
from .services import Refused
from .wording import long_date

POST_LIMIT = ratelimit(key="user_or_ip", rate=settings.AIMAK_RATE_POST, method="POST")


def _edition(year: int) -> Edition:
    return get_object_or_404(Edition, year=year)


def _allowed(request, perm: str, obj=None) -> bool:
    """The contest's own rule (``rules.py``), also for superusers: an organiser is no juror."""
    return rules.has_perm(perm, request.user, obj)


def _require(request, perm: str, obj=None) -> None:
    if not _allowed(request, perm, obj):
        raise PermissionDenied


def refused(request, error: Refused):
    """A refused action: its reason in the reader's language, status 403, nothing stored."""
    return render(request, "contests/refused.html", {"reason": error.message}, status=403)


def _act(request, call: Callable[[dict], object], done: Callable[[], str], back: str,
         year: int, form=None):
    """One posted action, then back to the page ``back``: a ``form`` that does not validate,
    or a service ``call`` (given the form's cleaned data) that refuses (``ValidationError``),
    leaves its errors as a message and nothing done; otherwise the message ``done()``, read
    after the call (the new state, the code just given)."""
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(str(m) for errs in form.errors.values() for m in errs))
    else:
        try:
            call(form.cleaned_data if form is not None else {})
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, done())
    return redirect(back, year)


def _scored_edition(request, year: int) -> Edition:
    """The edition whose scores and names the organisers read (403 before they may)."""
    _require(request, "contests.organise")
    ed = _edition(year)
    if not ed.scores_visible:
        raise PermissionDenied
    return ed


# --- public ----------------------------------------------------------------------------------

def index(request):
    editions = Edition.objects.exclude(state=Edition.State.SETUP).order_by("-year")
    if _allowed(request, "contests.organise"):
        editions = Edition.objects.order_by("-year")
    return render(request, "contests/index.html", {"editions": editions})


def archive(request):
    """The contest's real history, with a source for every figure (read at run time)."""
    from .archive import ArchiveError, read

    try:
        data, problem = read(), ""
    except ArchiveError as e:
        data, problem = None, str(e)
    return render(request, "contests/archive.html", {"archive": data, "problem": problem})


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
    rows = published_rows(ed)
    return render(request, "contests/edition.html", {
        "edition": ed, "criteria": criteria, "rows": rows, "organiser": organiser,
        "is_juror": _allowed(request, "contests.judge", ed), "mine": mine,
        "can_apply": _allowed(request, "contests.apply"),
        "n_submitted": ed.applications.filter(state=Application.State.SUBMITTED).count()})


@ratelimit(key="ip", rate=document_rate, method="GET")
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
        try:
            services.add_juror(ed, form.cleaned_data["user"], request.user)
        except Refused as e:
            return refused(request, e)
        messages.success(request, _("Jury member added."))
        return redirect("contests:jurors", ed.year)
    return render(request, "contests/jurors.html", {
        "edition": ed, "form": form, "progress": progress(ed), "codes": submitted_codes(ed),
        "invite_form": InviteForm(initial={"language": request.LANGUAGE_CODE[:2]}),
        "invitations": ed.invitations.all()[:50]})


@login_required
@require_POST
@POST_LIMIT
def invite(request, year: int):
    """The organisers send a jury invitation by e-mail or SMS."""
    _require(request, "contests.organise")
    ed = _edition(year)
    form = InviteForm(request.POST)
    return _act(request, lambda data: services.invite_juror(
        ed, request.user, data["contact"], data["language"],
        lambda token: request.build_absolute_uri(reverse("contests:invitation", args=[token]))),
        lambda: _("Invitation sent."), "contests:jurors", ed.year, form)


@POST_LIMIT
def invitation(request, token: str):
    """The invited person reads the invitation and, signed in, accepts it."""
    try:
        found = services.invitation_for(token)
    except Refused as e:
        return refused(request, e)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.accept_invitation(token, request.user)
        except Refused as e:
            return refused(request, e)
        messages.success(request, _("Welcome to the jury. Declare your conflicts of interest "
                                    "before you read the applications."))
        return redirect("contests:conflicts", found.edition.year)
    return render(request, "contests/invitation.html", {"invitation": found})


TRANSITIONS = {"open": services.open_applications, "jury": services.start_jury,
               "close": services.close_jury, "reopen": services.reopen_jury,
               "approve": services.approve}


@login_required
@require_POST
@POST_LIMIT
def transition(request, year: int):
    _require(request, "contests.organise")
    ed = _edition(year)
    action = request.POST.get("action", "")
    if action not in TRANSITIONS:
        raise Http404
    return _act(request, lambda data: TRANSITIONS[action](ed, request.user),
                lambda: _("Done: %(state)s.") % {"state": ed.get_state_display()},
                "contests:edition", ed.year)


@login_required
def review(request, year: int):
    """Results with names and the fairness figures, for the organisers, before approval."""
    ed = _scored_edition(request, year)
    rows, ties = compute_with_ties(ed)
    return render(request, "contests/review.html", {
        "edition": ed, "rows": rows, "criteria": list(ed.criteria.all()),
        "fair": fairness(ed), "ties": ties, "tie_form": TieForm()})


@login_required
@require_POST
@POST_LIMIT
def tie(request, year: int):
    """The organisers record how a tie on a prize boundary is decided, and why."""
    _require(request, "contests.organise")
    ed = _edition(year)
    form = TieForm(request.POST)
    return _act(request, lambda data: services.decide_tie(
        ed, request.user, data["codes"], data["rule"], data["order"], data["reason_ru"],
        data["reason_ky"]),
        lambda: _("The decision is recorded; it is published with the results."),
        "contests:review", ed.year, form)


@login_required
def export(request, year: int):
    ed = _scored_edition(request, year)
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
    editable = services.application_window_open(ed) and (app is None or not app.locked)
    form = ApplicationForm(request.POST or None, instance=app)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_application(ed, form.save(commit=False), muni, request.user)
            except ValidationError as e:
                form.add_error(None, " ".join(e.messages))
            else:
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
    if app.locked or not services.application_window_open(ed):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(app, form.cleaned_data["file"],
                                  form.cleaned_data["description"], request.user)
        except ValidationError as e:
            form.add_error("file", " ".join(e.messages))
        else:
            messages.success(request, _("File added."))
            return redirect("contests:apply", ed.year)
    return render(request, "contests/apply.html", {
        "edition": ed, "app": app, "form": ApplicationForm(instance=app), "editable": True,
        "facts": [], "evidence_form": form, "evidence": list(app.evidence.all())}, status=400)


#: what an applicant may do with their application, and the message once it is done
APPLICATION_ACTIONS = {
    "submit": (services.submit, lambda app: _("Submitted. Your application's code is %(code)s.")
               % {"code": app.code}),
    "withdraw": (services.withdraw, lambda app: _("Application withdrawn.")),
    "reopen": (services.reopen, lambda app: _("The application is a draft again.")),
}


@login_required
@require_POST
@POST_LIMIT
def apply_action(request, year: int):
    _require(request, "contests.apply")
    ed = _edition(year)
    app = get_object_or_404(Application, edition=ed, municipality=request.user.municipality)
    _require(request, "contests.edit_application", app)
    action = request.POST.get("action")
    if action not in APPLICATION_ACTIONS:
        raise Http404
    step, done = APPLICATION_ACTIONS[action]
    return _act(request, lambda data: step(app, request.user), lambda: done(app),
                "contests:apply", ed.year)


# --- jury ------------------------------------------------------------------------------------

def _seat(request, ed: Edition) -> JuryMember:
    _require(request, "contests.judge", ed)
    return services.seat_of(ed, request.user)


@login_required
def jury(request, year: int):
    """A jury member's list: application codes only, and how far they have scored each."""
    ed = _edition(year)
    try:
        seat = _seat(request, ed)
    except Refused as e:
        return refused(request, e)
    recused = seat.recused_ids()
    n_crit = ed.criteria.count()
    apps = list(Application.objects.filter(edition=ed, state=Application.State.SUBMITTED)
                .order_by("code"))
    done = {}
    for a_id in Score.objects.filter(juror=seat).values_list("application_id", flat=True):
        done[a_id] = done.get(a_id, 0) + 1
    rows = [{"app": a, "recused": a.pk in recused, "done": done.get(a.pk, 0) == n_crit > 0}
            for a in apps]
    return render(request, "contests/jury.html", {"edition": ed, "seat": seat, "rows": rows,
                                                  **_jury_phase(ed)})


@login_required
@POST_LIMIT
def conflicts(request, year: int):
    ed = _edition(year)
    try:
        seat = _seat(request, ed)
    except Refused as e:
        return refused(request, e)
    form = ConflictForm(request.POST or None, edition=ed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.declare_conflicts(seat, data["municipality"], data["rayon"], data["codes"])
        except Refused as e:
            return refused(request, e)
        messages.success(request, _("Your declaration is saved; you will not see the "
                                    "applications concerned."))
        return redirect("contests:jury", ed.year)
    return render(request, "contests/conflicts.html", {
        "edition": ed, "seat": seat, "form": form,
        "codes": list(seat.conflict_applications.values_list("code", flat=True)),
        "n_places": seat.conflict_municipalities.count() + seat.conflict_rayons.count()})


def _jury_phase(ed: Edition) -> dict:
    """The jury's phase for its pages, and the day scoring opens as the language writes it."""
    return {"phase": services.jury_phase(ed),
            "opens_on": long_date(ed.jury_from, case="locative")}


def _jury_application(request, ed: Edition, code: str) -> tuple[JuryMember, Application]:
    seat = _seat(request, ed)
    app = get_object_or_404(Application.objects.select_related("municipality__rayon"),
                            edition=ed, code=code, state=Application.State.SUBMITTED)
    services.may_judge(seat, app)
    return seat, app


@login_required
@POST_LIMIT
def jury_application(request, year: int, code: str):
    """The application as the blind presenter shows it, and this member's score sheet."""
    ed = _edition(year)
    try:
        seat, app = _jury_application(request, ed, code)
    except Refused as e:
        return refused(request, e)
    criteria = list(ed.criteria.all())
    mine = {s.criterion_id: s for s in Score.objects.filter(juror=seat, application=app)}
    form = ScoreForm(request.POST or None, criteria=criteria, initial_scores=mine)
    if request.method == "POST" and form.is_valid():
        values = {c: (form.cleaned_data[f"score_{c.pk}"], form.cleaned_data[f"comment_{c.pk}"])
                  for c in criteria}
        try:
            services.record_scores(seat, app, values)
        except Refused as e:
            return refused(request, e)
        messages.success(request, _("Scores saved for %(code)s.") % {"code": app.code})
        return redirect("contests:jury", ed.year)
    if request.method == "POST" and not services.jury_window_open(ed):
        return refused(request, Refused(_("The jury period is closed: scores can no longer "
                                          "be changed.")))
    others = []
    if ed.scores_visible:
        others = list(Score.objects.filter(application=app).exclude(juror=seat)
                      .select_related("juror__user", "criterion").order_by("juror", "criterion"))
    return render(request, "contests/jury_application.html", {
        "edition": ed, "app": app, "form": form, **_jury_phase(ed),
        "blind": BlindPresenter(ed).application(app), "others": others})


@login_required
def jury_file(request, year: int, code: str, pk: int):
    """An evidence file, served under its anonymised name."""
    ed = _edition(year)
    try:
        _unused, app = _jury_application(request, ed, code)
    except Refused as e:
        return refused(request, e)
    ev = get_object_or_404(Evidence, pk=pk, application=app)
    data, name, content_type = BlindPresenter(ed).file(app, ev)
    return attachment(HttpResponse(data, content_type=content_type), name)
