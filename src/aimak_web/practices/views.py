"""Views of the practices portal: they parse the request and call the models and helpers."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from aimak_web.core.exports import csv_response, dict_rows
from aimak_web.places.models import Municipality, Oblast, Rayon

from . import contest
from .forms import (
    AttachmentForm,
    CommentForm,
    EvidenceFormSet,
    PracticeForm,
    ScoreForm,
)
from .models import (
    Edition,
    Entry,
    JuryScore,
    Practice,
    Recusal,
    Status,
    SubmitterType,
    Theme,
    Vote,
)
from .rules import can
from .search import search

RATE = settings.AIMAK_RATE_POST


def published():
    return (Practice.objects.filter(status=Status.PUBLISHED)
            .select_related("theme", "subtheme", "submitter", "body")
            .prefetch_related(Prefetch("municipalities",
                                       queryset=Municipality.objects.select_related("rayon"))))


def _facets(request, qs):
    """Apply the catalogue's facets from the query string; return (queryset, chosen)."""
    chosen = {k: request.GET.get(k, "") for k in
              ("theme", "oblast", "rayon", "kind", "submitter", "year", "q")}
    if chosen["theme"]:
        qs = qs.filter(theme__code=chosen["theme"])
    if chosen["oblast"]:
        qs = qs.filter(municipalities__rayon__oblast__code=chosen["oblast"])
    if chosen["rayon"]:
        qs = qs.filter(municipalities__rayon__code=chosen["rayon"])
    if chosen["kind"]:
        qs = qs.filter(municipalities__kind=chosen["kind"])
    if chosen["submitter"]:
        qs = qs.filter(submitter_type=chosen["submitter"])
    if chosen["year"].isdigit():
        qs = qs.filter(period_start__year__lte=int(chosen["year"])).filter(
            Q(period_end__isnull=True) | Q(period_end__year__gte=int(chosen["year"])))
    if any(chosen[k] for k in ("oblast", "rayon", "kind")):
        qs = qs.distinct()
    return qs, chosen


def index(request):
    """The catalogue: facets and full-text search ranked by relevance."""
    qs, chosen = _facets(request, published())
    qs = search(qs, chosen["q"])
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    years = (Practice.objects.filter(status=Status.PUBLISHED)
             .annotate(y=ExtractYear("period_start")).values_list("y", flat=True)
             .distinct().order_by("-y"))
    return render(request, "practices/index.html", {
        "page": page, "chosen": chosen, "themes": Theme.objects.all(),
        "oblasts": Oblast.objects.all(),
        "rayons": Rayon.objects.filter(oblast__code=chosen["oblast"]) if chosen["oblast"]
        else Rayon.objects.none(),
        "kinds": Municipality.KINDS, "submitter_types": SubmitterType.choices,
        "years": years, "total": page.paginator.count})


def _practice(request, pk: int, perm: str = "practices.view_practice") -> Practice:
    practice = get_object_or_404(Practice.objects.select_related(
        "theme", "subtheme", "submitter", "body"), pk=pk)
    if not can(request.user, perm, practice):
        if not request.user.is_authenticated:
            raise Http404
        raise PermissionDenied
    return practice


def similar(practice: Practice, n: int = 5) -> list[Practice]:
    """Published practices of the same sub-theme, then theme, then places, newest first."""
    munis = list(practice.municipalities.values_list("pk", flat=True))
    qs = (Practice.objects.filter(status=Status.PUBLISHED).exclude(pk=practice.pk)
          .filter(Q(theme=practice.theme_id) | Q(municipalities__in=munis)).distinct()
          .select_related("theme", "subtheme").order_by("-published_at", "-pk"))
    scored = sorted(qs[:50], key=lambda p: (-(2 * (p.subtheme_id == practice.subtheme_id)
                                              + (p.theme_id == practice.theme_id)),
                                            -(p.published_at.timestamp() if p.published_at
                                              else 0)))
    return scored[:n]


def detail(request, pk: int):
    practice = _practice(request, pk)
    edition = Edition.objects.filter(entries_open__lte=timezone.now(),
                                     entries_close__gte=timezone.now()).first()
    return render(request, "practices/detail.html", {
        "p": practice, "evidence": practice.evidence.all(),
        "attachments": practice.attachments.all(),
        "municipalities": practice.municipalities.select_related("rayon__oblast"),
        "transitions": practice.allowed_transitions(request.user),
        "comment_form": CommentForm(), "similar": similar(practice),
        "can_edit": can(request.user, "practices.edit_practice", practice),
        "edition": edition if edition and can(request.user,
            "practices.enter_contest", practice) else None,
        "entries": practice.entries.select_related("edition", "category"),
        "attach_form": AttachmentForm()})


def print_view(request, pk: int):
    practice = _practice(request, pk)
    return render(request, "practices/print.html", {
        "p": practice, "evidence": practice.evidence.all(),
        "photos": practice.attachments.filter(kind="photo"),
        "municipalities": practice.municipalities.select_related("rayon__oblast")})


@login_required
@ratelimit(key="user", rate=RATE, method="POST")
def edit(request, pk: int | None = None):
    """Create or edit a draft (or a practice sent back for changes), with its evidence."""
    if pk is None:
        if not can(request.user, "practices.submit_practice"):
            raise PermissionDenied
        practice = Practice(submitter=request.user)
    else:
        practice = _practice(request, pk, "practices.edit_practice")
    form = PracticeForm(request.POST or None, instance=practice, user=request.user)
    formset = EvidenceFormSet(request.POST or None, instance=practice, prefix="ev")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            practice = form.save()
            formset.instance = practice
            formset.save()
            if request.POST.get("action") == "submit":
                try:
                    practice.submit(request.user)
                    messages.success(request, _("Submitted for moderation."))
                except ValidationError as e:
                    messages.error(request, " ".join(e.messages))
                    return redirect("practices:edit", pk=practice.pk)
            else:
                messages.success(request, _("Draft saved."))
        return redirect(practice)
    return render(request, "practices/edit.html", {"form": form, "formset": formset,
                                                   "p": practice})


@login_required
@require_POST
@ratelimit(key="user", rate=RATE, method="POST")
def attach(request, pk: int):
    practice = _practice(request, pk, "practices.edit_practice")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        form.save(practice)
        messages.success(request, _("File attached."))
    else:
        messages.error(request, " ".join(str(m) for errs in form.errors.values()
                                         for m in errs))
    return redirect(practice)


@login_required
@require_POST
@ratelimit(key="user", rate=RATE, method="POST")
def transition(request, pk: int, name: str):
    """One step of the moderation workflow (the model checks who may take it)."""
    practice = _practice(request, pk)
    if name not in Practice.TRANSITIONS:
        raise Http404
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        method = getattr(practice, name)
        if Practice.TRANSITIONS[name].needs:
            method(request.user, form.cleaned_data.get("text", ""))
        else:
            method(request.user)
        messages.success(request, _("Done: %(state)s.") % {"state": practice.get_status_display()})
    except PermissionDenied:
        if not (can(request.user, "practices.moderate_practice")
                and practice.submitter_id == request.user.pk):
            raise
        # a moderator's own practice: the two-person rule
        messages.error(request, _("Nobody moderates their own submission: another moderator "
                                  "does."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect(practice)


@login_required
def mine(request):
    """My desk: my practices (and my municipality's body's) in every state, those waiting for
    me first (the moderator asked for changes)."""
    user = request.user
    q = Q(submitter=user)
    if user.municipality_id and user.role == "municipal_staff":
        q |= Q(body_id=user.municipality_id)
    practices = Practice.objects.filter(q).select_related("theme").order_by("-updated_at", "-pk")
    waiting = [p for p in practices if p.status == Status.CHANGES_REQUESTED]
    return render(request, "practices/mine.html", {"practices": practices, "waiting": waiting})


@ratelimit(key="ip", rate=RATE, method="POST")
def unsubscribe(request, token: str):
    """The link in every e-mail: confirm, and the portal sends this person no more e-mail."""
    from .mail import user_from_token
    from .models import MailOptOut

    person = user_from_token(token)
    if person is None:
        raise Http404
    done = MailOptOut.objects.filter(user=person).exists()
    if request.method == "POST":
        from auditlog.context import set_actor

        with set_actor(person):
            MailOptOut.objects.get_or_create(user=person)
        done = True
    return render(request, "practices/unsubscribe.html", {"done": done})


@login_required
def moderation(request):
    if not can(request.user, "practices.moderate_practice"):
        raise PermissionDenied
    queue = (Practice.objects.filter(status__in=[Status.SUBMITTED, Status.UNDER_REVIEW])
             .select_related("theme", "submitter").order_by("submitted_at", "pk"))
    return render(request, "practices/moderation.html", {"queue": queue})


# --- contest --------------------------------------------------------------------------------


def contest_index(request):
    editions = Edition.objects.prefetch_related("categories")
    return render(request, "practices/contest.html", {"editions": editions})


def edition(request, pk: int):
    ed = get_object_or_404(Edition.objects.prefetch_related("categories", "criteria"), pk=pk)
    entries = list(Entry.objects.filter(edition=ed)
                   .select_related("practice", "category", "edition")
                   .annotate(n_votes=Count("votes")).order_by("category_id", "-n_votes", "pk"))
    voted = set()
    user = request.user
    if user.is_authenticated:
        voted = set(Vote.objects.filter(entry__edition=ed, voter=user)
                    .values_list("entry_id", flat=True))
    verified = can(user, "practices.vote")
    vote_open = ed.vote_is_open()
    seated = can(user, "practices.score") and ed.jurors.filter(pk=user.pk).exists()
    for e in entries:
        e.may_vote = vote_open and verified and contest.may_vote_for(user, e)
        e.may_score = seated and can(user, "practices.score", e)
    return render(request, "practices/edition.html", {
        "ed": ed, "entries": entries, "voted": voted, "verified": verified,
        "vote_open": vote_open, "is_organiser": can(user, "practices.view_anomalies"),
        "results_visible": contest.results_visible(user, ed)})


@login_required
@require_POST
@ratelimit(key="user", rate=RATE, method="POST")
def enter(request, pk: int, practice_pk: int):
    ed = get_object_or_404(Edition, pk=pk)
    practice = _practice(request, practice_pk, "practices.enter_contest")
    try:
        contest.enter(ed, practice, request.user)
        messages.success(request, _("The practice is entered in the contest."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect(practice)


@login_required
@require_POST
@ratelimit(key="user", rate=RATE, method="POST")
@ratelimit(key="ip", rate=RATE, method="POST")
def vote(request, entry_pk: int):
    """A vote; a person who may not vote is told why, in their language, on the edition page."""
    entry = get_object_or_404(Entry.objects.select_related("edition", "practice"), pk=entry_pk)
    try:
        contest.cast_vote(entry, request.user, request.META.get("REMOTE_ADDR"))
        messages.success(request, _("Your vote is counted. Thank you!"))
    except PermissionDenied:
        messages.error(request, _("Only verified people vote: confirm your phone or your "
                                  "residence."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("practices:edition", pk=entry.edition_id)


@login_required
@ratelimit(key="user", rate=RATE, method="POST")
def score(request, entry_pk: int):
    """A seated juror scores an entry, 0–5 on each criterion of the edition, or steps aside."""
    entry = get_object_or_404(Entry.objects.select_related("edition", "practice"), pk=entry_pk)
    if not can(request.user, "practices.score", entry):
        raise PermissionDenied
    criteria = list(entry.edition.criteria.all())
    mine = {s.criterion.key: s.score for s in JuryScore.objects.filter(
        entry=entry, juror=request.user).select_related("criterion")}
    if request.method == "POST" and request.POST.get("action") == "recuse":
        contest.recuse(entry, request.user, request.POST.get("reason", ""))
        messages.success(request, _("You stepped aside from this entry; your scores of it "
                                    "do not count."))
        return redirect("practices:edition", pk=entry.edition_id)
    form = ScoreForm(request.POST or None, criteria=criteria, initial_scores=mine)
    if request.method == "POST" and form.is_valid():
        try:
            contest.score_entry(entry, request.user, form.cleaned_data)
            messages.success(request, _("Scores saved."))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        return redirect("practices:edition", pk=entry.edition_id)
    recused = Recusal.objects.filter(entry=entry, juror=request.user).exists()
    return render(request, "practices/score.html", {
        "entry": entry, "form": form, "recused": recused,
        "jury_open": entry.edition.jury_is_open()})


def results(request, pk: int):
    """The final ranking; public once the vote is closed, organisers and jury see it before."""
    ed = get_object_or_404(Edition.objects.prefetch_related("categories", "criteria"), pk=pk)
    user = request.user
    if not contest.results_visible(user, ed):
        if not user.is_authenticated:
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        raise PermissionDenied
    try:
        table = contest.results(ed)
    except ImportError:
        table = None
    return render(request, "practices/results.html", {"ed": ed, "table": table})


@login_required
def anomalies(request, pk: int):
    if not can(request.user, "practices.view_anomalies"):
        raise PermissionDenied
    ed = get_object_or_404(Edition, pk=pk)
    return render(request, "practices/anomalies.html", {
        "ed": ed, "bursts": contest.edition_anomalies(ed),
        "votes": Vote.objects.filter(entry__edition=ed).count()})


# --- open data -------------------------------------------------------------------


OPEN_FIELDS = ["id", "title_ru", "title_ky", "theme", "subtheme", "submitter_type", "body",
               "municipalities", "period_start", "period_end", "problem_ru", "problem_ky",
               "solution_ru", "solution_ky", "results_ru", "results_ky", "repeat_ru",
               "repeat_ky", "cost_som", "paid_by_ru", "paid_by_ky", "published_at", "url"]


def open_rows(request):
    for p in published().order_by("pk"):
        yield {"id": p.pk, "title_ru": p.title_ru, "title_ky": p.title_ky,
               "theme": p.theme.code, "subtheme": p.subtheme.code,
               "submitter_type": p.submitter_type, "body": p.body.code if p.body else "",
               "municipalities": ";".join(m.code for m in p.municipalities.all()),
               "period_start": p.period_start.isoformat(),
               "period_end": p.period_end.isoformat() if p.period_end else "",
               "problem_ru": p.problem_ru, "problem_ky": p.problem_ky,
               "solution_ru": p.solution_ru, "solution_ky": p.solution_ky,
               "results_ru": p.results_ru, "results_ky": p.results_ky,
               "repeat_ru": p.repeat_ru, "repeat_ky": p.repeat_ky,
               "cost_som": str(p.cost_som) if p.cost_som is not None else "",
               "paid_by_ru": p.paid_by_ru, "paid_by_ky": p.paid_by_ky,
               "published_at": p.published_at.isoformat() if p.published_at else "",
               "url": request.build_absolute_uri(p.get_absolute_url())}


def open_csv(request):
    return csv_response(OPEN_FIELDS, dict_rows(OPEN_FIELDS, open_rows(request)),
                        "aimak-practices.csv", bom=True)


def open_json(request):
    return JsonResponse({"practices": list(open_rows(request))},
                        json_dumps_params={"ensure_ascii": False})

