"""Views of hearings: they parse the request, call one function of ``services`` and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from aimak_web.core.cache import public_page
from aimak_web.core.exports import (
    CSV_TYPE,
    attachment,
    document_rate,
    pdf_response,
    xlsx_response,
)
from aimak_web.places.provenance import summarise
from aimak_web.territory.services import scenario_for

from . import budget as budget_data
from . import documents, exports, procedure, services
from .forms import (
    AnswerForm,
    BudgetUploadForm,
    CommentForm,
    DocumentForm,
    HearingForm,
    MeetingForm,
    ModerationForm,
    ProposalForm,
    ReportForm,
)
from .models import (
    Answer,
    Comment,
    Document,
    Hearing,
    Proposal,
    State,
    TransitionError,
    reports_to_hide,
)
from .rules import allows

COMMENTS_PER_PAGE = 50
PROPOSALS_PER_PAGE = 25
#: States after which the minutes exist.
MINUTES_STATES = (State.MEETING_HELD, State.ANSWERS_PUBLISHED, State.CLOSED)


def _hearing(request, pk: int) -> Hearing:
    """The hearing if the user may see it; a draft is 404 for everyone but its managers."""
    hearing = get_object_or_404(Hearing.objects.select_related("municipality__rayon__oblast"),
                                pk=pk)
    if not request.user.has_perm("hearings.view_hearing", hearing):
        raise Http404
    return hearing


def _managed(request, pk: int) -> Hearing:
    hearing = _hearing(request, pk)
    if not request.user.has_perm("hearings.manage_hearing", hearing):
        raise PermissionDenied
    return hearing


def _conducted(request, pk: int) -> Hearing:
    """The hearing if the user conducts it: staff of its municipality (not administrators)."""
    hearing = _hearing(request, pk)
    if not allows("hearings.conduct", request.user, hearing):
        raise PermissionDenied
    return hearing


def _errors_as_messages(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def index(request):
    """The archive: every public hearing, newest first, filterable by municipality and state."""
    hearings = (Hearing.objects.public()
                .select_related("municipality__rayon")
                .annotate(n_proposals=Count("proposals", filter=Q(proposals__hidden=False)))
                .order_by("-created_at", "-pk"))
    code, state = request.GET.get("m", ""), request.GET.get("state", "")
    if code:
        hearings = hearings.filter(municipality__code=code)
    if state in State.values:
        hearings = hearings.filter(state=state)
    mine = []
    user = request.user
    if user.is_authenticated and user.role == "municipal_staff" and user.municipality_id:
        mine = Hearing.objects.filter(municipality_id=user.municipality_id, state=State.DRAFT,
                                      is_example=False).order_by("-created_at", "-pk")
    page = Paginator(hearings, 50).get_page(request.GET.get("page"))
    return render(request, "hearings/index.html", {
        "page": page, "states": State.choices, "state": state, "code": code, "drafts": mine,
        "may_create": bool(user.is_authenticated and user.municipality_id
                           and user.has_perm("hearings.create_hearing", user.municipality))})


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def create(request):
    """Staff create a hearing of their own municipality (as a draft)."""
    municipality = request.user.municipality
    if municipality is None or not request.user.has_perm("hearings.create_hearing",
                                                         municipality):
        raise PermissionDenied
    form = HearingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hearing = services.save_hearing(form, request.user, municipality)
        messages.success(request, _("The hearing is created as a draft."))
        return redirect("hearings:detail", hearing.pk)
    return render(request, "hearings/form.html", {"form": form, "municipality": municipality})


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def edit(request, pk: int):
    hearing = _conducted(request, pk)
    if hearing.state == State.CLOSED:
        messages.error(request, _("A closed hearing cannot be changed."))
        return redirect(hearing)
    form = HearingForm(request.POST or None, instance=hearing)
    if request.method == "POST" and form.is_valid():
        services.save_hearing(form, request.user)
        messages.success(request, _("Saved."))
        return redirect(hearing)
    return render(request, "hearings/form.html", {"form": form, "hearing": hearing,
                                                  "municipality": hearing.municipality})


def short_link(request, pk: int):
    """``/h/<id>``: the short, stable link of the SMS and the notice, to the hearing's page in
    the link's language."""
    return redirect(_hearing(request, pk))


@public_page(seconds="AIMAK_LIVE_PAGE_CACHE_SECONDS")
def detail(request, pk: int):
    """The hearing: procedure, budget lines, proposals with answers, comments."""
    hearing = _hearing(request, pk)
    user = request.user
    documents_list = list(hearing.documents.order_by("uploaded_at", "pk"))
    lines = list(hearing.lines.annotate(
        n_comments=Count("comments", filter=Q(comments__hidden=False))))
    table = budget_data.table(hearing, lines)
    # every proposal keeps its place: one hidden after reports or removed by a moderator shows
    # as such (with the moderator's reason), and its answer stays public
    proposals = Paginator(
        hearing.proposals.select_related("author", "line", "answer")
        .annotate(n_support=Count("supporters")).order_by("created_at", "pk"),
        PROPOSALS_PER_PAGE).get_page(request.GET.get("ppage"))
    supported = set()
    if user.is_authenticated:
        supported = set(user.supported_proposals.filter(
            pk__in=[p.pk for p in proposals]).values_list("pk", flat=True))
    comments = (hearing.comments.filter(hidden=False).select_related("author", "line")
                .order_by("-created_at", "-pk"))
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    staff = allows("hearings.conduct", user, hearing)
    taking_part = hearing.accepts_input and allows("hearings.take_part", user, hearing)
    return render(request, "hearings/detail.html", {
        "hearing": hearing, "lines": lines, "proposals": proposals, "supported": supported,
        **table,
        "documents": documents_list,
        "page": page, "may_manage": staff, "may_take_part": taking_part,
        "may_report": allows("hearings.report", user, hearing),
        "comment_form": CommentForm(hearing=hearing, initial={"line": request.GET.get("line")})
        if taking_part else None,
        "transitions": [(n, Hearing.TRANSITIONS[n][2], services.check_step(hearing, n))
                        for n in hearing.allowed_transitions()] if staff else [],
        "rules": procedure.RULES if staff else [],
        "unanswered": hearing.unanswered_proposals().count() if staff else 0,
        "minutes_ready": hearing.state in MINUTES_STATES,
        "notice_days": hearing.notice_lead_days,
        "sms": _sms(hearing, request) if staff else None,
        "budget_editable": hearing.state in services.BUDGET_EDITABLE,
        "meeting_editable": services.may_record_meeting(hearing),
        "paper_open": services.paper_proposals_open(hearing),
        "answer_editable": hearing.state in services.ANSWER_STATES,
        "merger": services.merger_page(hearing),
    })


def _sms(hearing: Hearing, request) -> dict:
    text = documents.sms_text(hearing, request, get_language()[:2])
    length, limit = documents.sms_size(text)
    return {"text": text, "length": length, "limit": limit}


@login_required
@require_POST
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def start_from_scenario(request, pk: int):
    """Municipal staff start (as a draft) a public hearing on a scenario's proposal, on its
    latest version or the version posted; a second click finds the same draft."""
    scenario = scenario_for(request.user, pk)
    version = scenario.versions.filter(pk=request.POST.get("version") or 0).first()
    try:
        hearing, created = services.start_merger_hearing(request.user, scenario, version)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect(scenario)
    if created:
        messages.success(request, _("A draft hearing on this proposal is created; set its dates "
                                    "and announce it."))
    else:
        messages.info(request, _("Your municipality's hearing on this version already exists."))
    return redirect("hearings:edit", hearing.pk)




@login_required
@require_POST
def step(request, pk: int, name: str):
    """Staff move the hearing one step; a refused step says why."""
    hearing = _conducted(request, pk)
    try:
        services.transition(hearing, name, request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The hearing is now: %(state)s.")
                         % {"state": hearing.get_state_display()})
    return redirect(hearing)


def budget_template(request, pk: int):
    """The hearing's empty XLSX template: its years as column titles, the reader's language."""
    hearing = _hearing(request, pk)
    return xlsx_response(budget_data.template_xlsx(hearing),
                         f"aimak-budget-{hearing.pk}-{hearing.year}.xlsx")


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def budget_upload(request, pk: int):
    """Staff load the budget lines from the filled template; a bad file changes nothing."""
    hearing = _conducted(request, pk)
    if hearing.state not in services.BUDGET_EDITABLE:
        messages.error(request, _("The budget can be changed only before comments open."))
        return redirect(hearing)
    form = BudgetUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        lines, problems = budget_data.read_budget(hearing, upload)
        if not problems:
            n = services.replace_budget(hearing, request.user, lines)
            messages.success(request, _("%(n)s budget lines loaded from %(file)s.")
                             % {"n": n, "file": upload.name})
            return redirect("hearings:budget", hearing.pk)
    return render(request, "hearings/budget_upload.html", {
        "hearing": hearing, "form": form, "problems": problems,
        "columns": budget_data.template_columns(hearing)})


@public_page(seconds="AIMAK_LIVE_PAGE_CACHE_SECONDS")
def budget(request, pk: int):
    """The citizen's budget: totals, per inhabitant (with the population it divides by), the
    change, every line on a chart, and the accepted proposals' changes beside the draft."""
    hearing = _hearing(request, pk)
    lines = list(hearing.lines.all())
    table = budget_data.table(hearing, lines)
    m = hearing.municipality
    return render(request, "hearings/budget.html", {
        "hearing": hearing, "lines": lines, "m": m, **table,
        "population": summarise(m.settlements.all()),
        "sections": budget_data.summary(hearing, lines,
                                        {x.pk: x.delta for x in lines if x.delta})})


def _participant(request, pk: int) -> Hearing:
    hearing = _hearing(request, pk)
    if not allows("hearings.take_part", request.user, hearing):
        raise PermissionDenied
    return hearing


@login_required
@require_POST
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def comment(request, pk: int):
    hearing = _participant(request, pk)
    form = CommentForm(request.POST, hearing=hearing)
    if form.is_valid():
        try:
            services.add_comment(hearing, request.user, form)
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect(hearing)
        messages.success(request, _("Your comment is published."))
    else:
        _errors_as_messages(request, form)
    return redirect(f"{hearing.get_absolute_url()}#comments")


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def propose(request, pk: int):
    hearing = _participant(request, pk)
    if not hearing.accepts_input:
        messages.error(request, _("The hearing is not open for comments and proposals now."))
        return redirect(hearing)
    form = ProposalForm(request.POST or None, hearing=hearing,
                        initial={"line": request.GET.get("line")})
    if request.method == "POST" and form.is_valid():
        obj = services.add_proposal(hearing, request.user, form)
        messages.success(request, _("Your proposal is registered; the municipality must answer "
                                    "it with reasons."))
        return redirect(f"{hearing.get_absolute_url()}#proposal-{obj.pk}")
    return render(request, "hearings/propose.html", {"hearing": hearing, "form": form})


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def paper_proposal(request, pk: int):
    """Staff enter a proposal made on paper (marked as such)."""
    hearing = _conducted(request, pk)
    if not services.paper_proposals_open(hearing):
        messages.error(request, _("Paper proposals are entered from the first day of comments "
                                  "until the answers are published."))
        return redirect(hearing)
    form = ProposalForm(request.POST or None, hearing=hearing, paper=True)
    if request.method == "POST" and form.is_valid():
        services.add_paper_proposal(hearing, request.user, form)
        messages.success(request, _("The paper proposal is registered."))
        return redirect(hearing)
    return render(request, "hearings/propose.html", {"hearing": hearing, "form": form,
                                                     "paper": True})


@login_required
@require_POST
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def support(request, pk: int):
    """Support a proposal (or withdraw the support)."""
    proposal = get_object_or_404(Proposal.objects.select_related("hearing"), pk=pk,
                                 hidden=False)
    hearing = _participant(request, proposal.hearing_id)
    try:
        services.toggle_support(proposal, request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    return redirect(f"{hearing.get_absolute_url()}#proposal-{proposal.pk}")


def _item(kind: str, pk: int):
    model = {"comment": Comment, "proposal": Proposal}.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model.objects.select_related("hearing"), pk=pk)


@login_required
@require_POST
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def report_item(request, kind: str, pk: int):
    """A verified resident reports a comment or a proposal to the moderators."""
    item = _item(kind, pk)
    if not request.user.has_perm("hearings.view_hearing", item.hearing):
        raise Http404
    if item.hidden:
        messages.info(request, _("This is already hidden, pending the moderators' decision."))
        return redirect(item.hearing)
    form = ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if services.report(item, request.user, reason):
        messages.success(request, _("Thank you: the moderators will look at it."))
    else:
        messages.info(request, _("You have already reported this."))
    return redirect(item.hearing)


@login_required
def moderation(request):
    """Moderators: reported and hidden items, and the log of decisions."""
    if not request.user.has_perm("hearings.moderate"):
        raise PermissionDenied
    q = Q(report_count__gt=0) | Q(hidden=True)
    reports = Prefetch("reports", to_attr="report_list")
    comments = (Comment.objects.filter(q).select_related("hearing", "author")
                .prefetch_related(reports).order_by("-created_at", "-pk")[:200])
    proposals = (Proposal.objects.filter(q).select_related("hearing", "author")
                 .prefetch_related(reports).order_by("-created_at", "-pk")[:200])
    from .models import ModerationDecision

    decisions = (ModerationDecision.objects.select_related("moderator", "comment", "proposal")
                 .order_by("-decided_at", "-pk")[:100])
    return render(request, "hearings/moderation.html", {
        "comments": comments, "proposals": proposals, "decisions": decisions,
        "form": ModerationForm(), "reports_to_hide": reports_to_hide()})


@login_required
@require_POST
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def moderate_item(request, kind: str, pk: int):
    if not request.user.has_perm("hearings.moderate"):
        raise PermissionDenied
    item = _item(kind, pk)
    form = ModerationForm(request.POST)
    if form.is_valid():
        services.moderate(item, request.user, form.cleaned_data["action"],
                          form.cleaned_data["reason"])
        messages.success(request, _("Decision recorded."))
    else:
        _errors_as_messages(request, form)
    return redirect("hearings:moderation")


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def answer(request, pk: int):
    """Staff answer a proposal with a decision and a reason; the proposer is told by e-mail."""
    proposal = get_object_or_404(Proposal.objects.select_related("author", "line"), pk=pk)
    hearing = _conducted(request, proposal.hearing_id)
    if hearing.state not in services.ANSWER_STATES:
        messages.error(request, _("Answers are given before the hearing closes."))
        return redirect(hearing)
    existing = Answer.objects.filter(proposal=proposal).first()
    form = AnswerForm(request.POST or None, instance=existing, hearing=hearing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = services.answer_proposal(proposal, request.user, data["verdict"],
                                         data["reason"], data["line"], data["amount"],
                                         publish=data["publish"])
        if saved.published_at and proposal.author and proposal.author.email:
            _notify_answer(request, proposal, saved)
        messages.success(request, _("The answer is saved."))
        return redirect(f"{hearing.get_absolute_url()}#proposal-{proposal.pk}")
    return render(request, "hearings/answer.html", {"hearing": hearing, "proposal": proposal,
                                                    "form": form})


def _notify_answer(request, proposal: Proposal, answer) -> None:
    url = request.build_absolute_uri(f"{proposal.hearing.get_absolute_url()}"
                                     f"#proposal-{proposal.pk}")
    with override("ru"):
        subject = _("Your proposal was answered: %(title)s") % {"title": proposal.title}
        body = _("The municipality answered your proposal «%(title)s»: %(verdict)s.\n\n"
                 "%(reason)s\n\n%(url)s") % {"title": proposal.title,
                                            "verdict": answer.get_verdict_display(),
                                            "reason": answer.reason, "url": url}
    send_mail(subject, body, None, [proposal.author.email], fail_silently=True)


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def meeting(request, pk: int):
    """Staff record the meeting once its time has come: chair, secretary, attendance, sheet."""
    hearing = _conducted(request, pk)
    if not services.may_record_meeting(hearing):
        messages.error(request, _("The meeting is recorded once its time has come, while the "
                                  "hearing is open."))
        return redirect(hearing)
    form = MeetingForm(request.POST or None, request.FILES or None, instance=hearing)
    if request.method == "POST" and form.is_valid():
        services.record_meeting(form, request.user)
        messages.success(request, _("The meeting record is saved."))
        return redirect(hearing)
    return render(request, "hearings/meeting.html", {"hearing": hearing, "form": form})


def signin_sheet(request, pk: int):
    """The uploaded sign-in sheet (staff and administrators only: it holds names)."""
    hearing = _managed(request, pk) if request.user.is_authenticated else None
    if hearing is None:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not hearing.signin_sheet:
        raise Http404
    from django.http import FileResponse

    return FileResponse(hearing.signin_sheet.open("rb"), as_attachment=True)


@ratelimit(key="ip", rate=document_rate, method="GET")
def minutes(request, pk: int, lang: str):
    hearing = _hearing(request, pk)
    if hearing.state not in MINUTES_STATES:
        raise Http404
    pdf = documents.minutes_pdf(hearing, lang)
    return pdf_response(pdf, f"minutes-{hearing.pk}-{lang}.pdf")


@ratelimit(key="ip", rate=document_rate, method="GET")
def notice(request, pk: int, lang: str):
    hearing = _hearing(request, pk)
    pdf = documents.notice_pdf(hearing, lang, request)
    return pdf_response(pdf, f"notice-{hearing.pk}-{lang}.pdf")


def export(request, pk: int, fmt: str):
    """The hearing, its lines, proposals and answers as CSV or JSON."""
    if fmt not in ("csv", "json"):
        raise Http404
    hearing = _hearing(request, pk)
    data = exports.hearing_data(hearing)
    if fmt == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    else:
        response = HttpResponse(exports.hearing_csv(data), content_type=CSV_TYPE)
    return attachment(response, f"hearing-{hearing.pk}.{fmt}")


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def documents_page(request, pk: int):
    """Staff attach documents (PDF, images, office files; type and size checked)."""
    hearing = _conducted(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and hearing.state != State.CLOSED and form.is_valid():
        services.attach_document(hearing, request.user, form)
        messages.success(request, _("The document is attached."))
        return redirect(hearing)
    return render(request, "hearings/documents.html", {"hearing": hearing, "form": form})


def document(request, pk: int):
    """A document of a hearing, for everyone who may see the hearing."""
    doc = get_object_or_404(Document, pk=pk)
    _hearing(request, doc.hearing_id)
    from django.http import FileResponse

    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=False, filename=doc.file.name.rsplit("/", 1)[-1])
