"""Views of the journal: they parse the request, call ``services`` or a moderated item's step,
and render."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from aimak_web.practices.forms import CommentForm
from aimak_web.practices.models import Theme
from aimak_web.practices.moderation import TRANSITIONS, Status
from aimak_web.practices.rules import can
from aimak_web.practices.search import search

from . import anonymise, services
from .forms import (
    AnswerForm,
    ArticleForm,
    ExpertForm,
    MembershipListForm,
    PaymentForm,
    QuestionForm,
    SubscriptionForm,
)
from .models import (
    HEADINGS,
    Article,
    Consultation,
    Expert,
    Kind,
    Payment,
    Publicity,
    Subscription,
)

RATE = settings.AIMAK_RATE_POST
KINDS = {k.value: k for k in Kind}


def _listing(request, qs):
    theme = request.GET.get("theme", "")
    if theme:
        qs = qs.filter(theme__code=theme)
    qs = search(qs, request.GET.get("q", ""))
    return Paginator(qs, 20).get_page(request.GET.get("page")), theme


def index(request):
    """The journal's front page: its sections, the latest of each, the subscription's terms."""
    sections = [(k.value, HEADINGS[k], list(Article.objects.filter(kind=k, status=Status.PUBLISHED)
                                        .select_related("theme")[:3])) for k in Kind]
    answers = list(Consultation.objects.filter(status=Status.PUBLISHED)
                   .select_related("theme")[:5])
    return render(request, "journal/index.html", {
        "sections": sections, "answers": answers,
        "price": services.price_som(False), "member_price": services.price_som(True)})


def articles(request, kind: str):
    if kind not in KINDS:
        raise Http404
    qs = Article.objects.filter(kind=kind, status=Status.PUBLISHED).select_related("theme")
    page, theme = _listing(request, qs)
    return render(request, "journal/articles.html", {
        "page": page, "kind": KINDS[kind], "heading": HEADINGS[KINDS[kind]],
        "themes": Theme.objects.all(), "theme": theme, "q": request.GET.get("q", "")})


def _item(request, model, pk: int, perm: str = "journal.view_item"):
    item = get_object_or_404(model.objects.select_related("theme", "submitter"), pk=pk)
    if not can(request.user, perm, item):
        if not request.user.is_authenticated:
            raise Http404
        raise PermissionDenied
    return item


def article(request, pk: int):
    item = _item(request, Article, pk)
    return render(request, "journal/article.html", {
        "item": item, "transitions": item.allowed_transitions(request.user),
        "can_edit": can(request.user, "journal.edit_item", item),
        "comment_form": CommentForm()})


@login_required
@ratelimit(key="user", rate=RATE, method="POST")
def article_edit(request, kind: str | None = None, pk: int | None = None):
    """Write or change an article of ``kind`` (a draft, or one sent back for changes)."""
    if pk is None:
        if kind not in KINDS:
            raise Http404
        item = Article(submitter=request.user, kind=kind)
    else:
        item = _item(request, Article, pk, "journal.edit_item")
    form = ArticleForm(request.POST or None, instance=item, kind=item.kind)
    if request.method == "POST" and form.is_valid():
        item = form.save()
        if request.POST.get("action") == "submit":
            try:
                item.submit(request.user)
                messages.success(request, _("Submitted for moderation."))
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Draft saved."))
        return redirect(item)
    return render(request, "journal/article_edit.html", {"form": form, "item": item,
                                                         "kind": KINDS[item.kind]})


@login_required
@require_POST
@ratelimit(key="user", rate=RATE, method="POST")
def step(request, model: str, pk: int, name: str):
    """One step of the shared moderation workflow of an article or a consultation."""
    if model not in ("article", "consultation"):
        raise Http404
    item = _item(request, Article if model == "article" else Consultation, pk)
    if name not in TRANSITIONS:
        raise Http404
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        method = getattr(item, name)
        if TRANSITIONS[name].needs:
            method(request.user, form.cleaned_data.get("text", ""))
        else:
            method(request.user)
        messages.success(request, _("Done: %(state)s.") % {"state": item.get_status_display()})
    except PermissionDenied:
        if not (can(request.user, "journal.office") and item.submitter_id == request.user.pk):
            raise
        # a moderator's own item: the two-person rule
        messages.error(request, _("Nobody moderates their own submission: another moderator "
                                  "does."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect(item)


# --- legal consultations ----------------------------------------------------------------------


def consultations(request):
    """The public archive of answered questions, by theme, searchable in ru and ky."""
    qs = Consultation.objects.filter(status=Status.PUBLISHED).select_related("theme")
    page, theme = _listing(request, qs)
    return render(request, "journal/consultations.html", {
        "page": page, "themes": Theme.objects.all(), "theme": theme,
        "q": request.GET.get("q", ""), "can_ask": can(request.user, "journal.ask")})


def consultation(request, pk: int):
    item = _item(request, Consultation, pk)
    user = request.user
    answering = (item.status in (Status.SUBMITTED, Status.UNDER_REVIEW)
                 and can(user, "journal.answer") and item.submitter_id != user.pk)
    # the asker's body and the office read the texts as asked; the office sees beforehand what
    # the public will read of an anonymous question
    as_asked = (SimpleNamespace(**item.asked)
                if item.asked and can(user, "journal.read_as_asked", item) else None)
    preview = (SimpleNamespace(**anonymise.redacted(item))
               if can(user, "journal.office") and item.publicity == Publicity.ANONYMOUS
               and item.status in (Status.SUBMITTED, Status.UNDER_REVIEW) else None)
    return render(request, "journal/consultation.html", {
        "as_asked": as_asked, "preview": preview,
        "item": item, "transitions": [t for t in item.allowed_transitions(user)
                                      if t != "start_review"],
        "answer_form": AnswerForm(initial={"answer_ru": item.answer_ru,
                                           "answer_ky": item.answer_ky}) if answering else None,
        "show_asker": item.publicity == Publicity.NAMED or can(user, "journal.edit_item", item)
        or can(user, "journal.office"), "comment_form": CommentForm()})


@login_required
@ratelimit(key="user", rate=RATE, method="POST")
def ask(request):
    """An LSG body's staff ask the journal's experts (a subscriber's service)."""
    if not can(request.user, "journal.ask"):
        return render(request, "journal/refused.html", {
            "reason": _("Legal questions are a service of the subscription, for the staff of "
                        "local self-government bodies."),
            "price": services.price_som(False)}, status=403)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = services.ask(request.user, form.save(commit=False))
        messages.success(request, _("Your question is sent to the journal's experts."))
        return redirect(item)
    return render(request, "journal/ask.html", {"form": form})


@login_required
@require_POST
@ratelimit(key="user", rate=RATE, method="POST")
def answer(request, pk: int):
    item = _item(request, Consultation, pk)
    form = AnswerForm(request.POST)
    form.is_valid()
    try:
        services.answer(request.user, item, form.cleaned_data.get("answer_ru", ""),
                        form.cleaned_data.get("answer_ky", ""))
        messages.success(request, _("The answer is saved; a moderator publishes it."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect(item)


# --- desk, office, subscription ------------------------------------------------------------------


@login_required
def desk(request):
    """A reader's desk: their questions and articles (those waiting for them first) and their
    subscription."""
    user = request.user
    questions = Consultation.objects.filter(submitter=user).select_related("theme")
    if user.role == "municipal_staff" and user.municipality_id:
        questions = Consultation.objects.filter(
            municipality_id=user.municipality_id).select_related("theme")
    items = Article.objects.filter(submitter=user).select_related("theme")
    return render(request, "journal/desk.html", {
        "questions": questions, "items": items, "entitlement": services.entitlement(user),
        "is_expert": can(user, "journal.answer"),
        "waiting": [x for x in list(questions) + list(items)
                    if x.status == Status.CHANGES_REQUESTED]})


@login_required
def office(request):
    """The journal's office: what waits for moderation, for an expert's answer."""
    if not (can(request.user, "journal.office") or can(request.user, "journal.answer")):
        raise PermissionDenied
    queue = Status.SUBMITTED, Status.UNDER_REVIEW
    return render(request, "journal/office.html", {
        "articles": Article.objects.filter(status__in=queue).select_related("submitter"),
        "questions": Consultation.objects.filter(status__in=queue).select_related(
            "submitter", "expert__user"),
        "is_admin": can(request.user, "journal.manage_subscriptions"),
        "is_experts_admin": can(request.user, "journal.manage_experts"), "kinds": list(Kind)})


@login_required
@ratelimit(key="user", rate=RATE, method="POST")
def subscription(request):
    """The reader's subscription: what it gives, its price, its state, the digest's themes."""
    sub = Subscription.objects.filter(user=request.user).first()
    form = SubscriptionForm(request.POST or None, instance=sub)
    if request.method == "POST" and form.is_valid():
        services.subscribe(request.user, form.cleaned_data["themes"],
                           form.cleaned_data["active"])
        ent = services.entitlement(request.user)
        messages.success(request, _("Your digest choice is saved.") + " " + (
            _("The digest will be sent to you.") if ent else
            _("The digest is sent once the subscription is paid or your municipality is on "
              "the Union's list.")))
        return redirect("journal:subscription")
    return render(request, "journal/subscription.html", {
        "form": form, "sub": sub, "entitlement": services.entitlement(request.user),
        "member": services.is_member(request.user.municipality),
        "price": services.price_som(False), "member_price": services.price_som(True)})


@ratelimit(key="ip", rate=RATE, method="GET")
def collection(request):
    """The printable PDF collection of recent practices: a subscriber's service."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not can(request.user, "journal.read_paid"):
        return render(request, "journal/refused.html", {
            "reason": _("The PDF collection is for subscribers: free for members of the Union "
                        "of local self-government bodies, %(price)s som a year for others.")
            % {"price": services.price_som(False)}, "price": services.price_som(False)},
            status=403)
    try:
        days = max(1, min(int(request.GET.get("days", 7)), 366))
    except ValueError:
        days = 7
    until = timezone.now()
    start = until - timezone.timedelta(days=days)
    response = HttpResponse(services.collection_pdf(
        services.published_between(start, until), start, until),
        content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="aimak-practices.pdf"'
    return response


@login_required
@ratelimit(key="user", rate=RATE, method="POST")
def memberships(request):
    """The administrator keeps the Union of LSG's membership list (source and date)."""
    if not can(request.user, "journal.manage_subscriptions"):
        raise PermissionDenied
    form = MembershipListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        lst = services.record_membership_list(
            request.user, form.cleaned_data["source"], form.cleaned_data["as_of"],
            form.cleaned_data["members"])
        messages.success(request, _("The membership list is recorded: %(n)s municipalities.")
                         % {"n": lst.members.count()})
        return redirect("journal:memberships")
    return render(request, "journal/memberships.html", {
        "form": form, "current": services.current_list()})


@login_required
@ratelimit(key="user", rate=RATE, method="POST")
def payments(request):
    """The administrator records a bank transfer: the subscription it pays starts."""
    if not can(request.user, "journal.manage_subscriptions"):
        raise PermissionDenied
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_payment(
                request.user, amount_som=d["amount_som"], bank_reference=d["bank_reference"],
                period_start=d["period_start"], period_end=d["period_end"],
                municipality=d.get("municipality"), reader=d.get("reader"))
            messages.success(request, _("The payment is recorded."))
            return redirect("journal:payments")
        except ValidationError as e:
            form.add_error(None, e)
    return render(request, "journal/payments.html", {
        "form": form, "payments": Payment.objects.select_related("municipality", "reader")[:50],
        "today": services.today()})


@login_required
@ratelimit(key="user", rate=RATE, method="POST")
def experts(request):
    """The administrator names the journal's experts (audited; the expert is told by e-mail)."""
    if not can(request.user, "journal.manage_experts"):
        raise PermissionDenied
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            expert = services.appoint_expert(request.user, d["user"], d["field_ru"],
                                             d["field_ky"])
            messages.success(request, _("%(name)s answers legal questions from now on.")
                             % {"name": expert})
            return redirect("journal:experts")
        except ValidationError as e:
            form.add_error("email", e)
    rows = (Expert.objects.select_related("user").annotate(
        answers=Count("consultations", filter=Q(consultations__answered_at__isnull=False)))
        .order_by("-active", "user__full_name"))
    return render(request, "journal/experts.html", {"form": form, "experts": rows})


@login_required
@require_POST
@ratelimit(key="user", rate=RATE, method="POST")
def expert_active(request, pk: int):
    """Withdraw an expert, or reinstate them."""
    if not can(request.user, "journal.manage_experts"):
        raise PermissionDenied
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    active = request.POST.get("active") == "1"
    services.set_expert_active(request.user, expert, active)
    messages.success(request, (_("%(name)s answers legal questions again.") if active else
                               _("%(name)s no longer answers legal questions."))
                     % {"name": expert})
    return redirect("journal:experts")
