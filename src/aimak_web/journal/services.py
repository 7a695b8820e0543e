"""The journal's changes of state, each checking its rule and written to the audit trail:
the membership list, payments, entitlement, the digest and reminders by e-mail, answers to
legal questions. Views and commands only call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aimak_web.practices.mail import send_to_user, site_url
from aimak_web.practices.models import Practice, Status
from aimak_web.practices.rules import can

from .models import Article, Consultation, MembershipList, Payment, Subscription


def today() -> date:
    """The one clock of the journal (tests move it with time-machine)."""
    return timezone.localdate()


# --- plans and entitlement --------------------------------------------------------------------


def price_som(member: bool) -> int:
    """The yearly price: free for members of the Union of LSG, the setting for others."""
    return (settings.AIMAK_SUBSCRIPTION_MEMBER_PRICE_SOM if member
            else settings.AIMAK_SUBSCRIPTION_PRICE_SOM)


def current_list(on: date | None = None) -> MembershipList | None:
    on = on or today()
    return MembershipList.objects.filter(as_of__lte=on).order_by("-as_of", "-pk").first()


def is_member(municipality, on: date | None = None) -> bool:
    lst = current_list(on)
    return bool(municipality is not None and lst is not None
                and lst.members.filter(pk=municipality.pk).exists())


@dataclass(frozen=True)
class Entitlement:
    """Why a reader gets the journal's paid services, and until when (None: while the
    municipality stays on the Union's list)."""

    kind: str  # "member" or "paid"
    until: date | None
    source: str


def _payments_for(user):
    q = Q(reader=user)
    if user.role == "municipal_staff" and user.municipality_id:
        q |= Q(municipality_id=user.municipality_id)
    return Payment.objects.filter(q)


def entitlement(user, on: date | None = None) -> Entitlement | None:
    """A member municipality's staff read free; a payment covering ``on`` (for the reader or
    for their municipality's staff) gives the rest; otherwise None."""
    if not user.is_authenticated:
        return None
    on = on or today()
    if user.role == "municipal_staff" and user.municipality_id:
        lst = current_list(on)
        if lst is not None and lst.members.filter(pk=user.municipality_id).exists():
            return Entitlement("member", None, str(lst))
    pay = (_payments_for(user).filter(period_start__lte=on, period_end__gte=on)
           .order_by("-period_end", "-pk").first())
    if pay is not None:
        return Entitlement("paid", pay.period_end, pay.bank_reference)
    return None


# --- what an administrator records ---------------------------------------------------------------


def record_membership_list(admin, source: str, as_of: date, municipalities) -> MembershipList:
    if not can(admin, "journal.manage_subscriptions"):
        raise PermissionDenied
    with transaction.atomic(), set_actor(admin):
        lst = MembershipList.objects.create(source=source, as_of=as_of, recorded_by=admin)
        lst.members.set(municipalities)
    return lst


def record_payment(admin, *, amount_som: Decimal, bank_reference: str, period_start: date,
                   period_end: date, municipality=None, reader=None) -> Payment:
    """A bank transfer received: the subscription it pays starts (or goes on) for the
    period."""
    if not can(admin, "journal.manage_subscriptions"):
        raise PermissionDenied
    if (municipality is None) == (reader is None):
        raise ValidationError(_("A payment covers either a municipality or one reader."))
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    with set_actor(admin):
        return Payment.objects.create(
            municipality=municipality, reader=reader, amount_som=amount_som,
            bank_reference=bank_reference.strip(), period_start=period_start,
            period_end=period_end, recorded_by=admin)


def subscribe(user, themes=(), active: bool = True) -> Subscription:
    with set_actor(user):
        sub, _created = Subscription.objects.get_or_create(user=user)
        sub.active = active
        sub.save()
        sub.themes.set(themes)
    return sub


# --- the digest ---------------------------------------------------------------------------------


def published_between(start: datetime, end: datetime, themes=None):
    qs = (Practice.objects.filter(status=Status.PUBLISHED, published_at__gte=start,
                                  published_at__lt=end)
          .select_related("theme", "subtheme", "submitter", "body")
          .prefetch_related("municipalities", "evidence")
          .order_by("theme__order", "published_at", "pk"))
    if themes:
        qs = qs.filter(theme__in=themes)
    return qs


def journal_between(start: datetime, end: datetime, themes=None) -> list:
    """Journal items published in the window (articles and public consultations)."""
    out = []
    for model in (Article, Consultation):
        qs = model.objects.filter(status=Status.PUBLISHED, published_at__gte=start,
                                  published_at__lt=end).select_related("theme")
        if themes:
            qs = qs.filter(theme__in=themes)
        out += list(qs)
    return sorted(out, key=lambda x: x.published_at)


def collection_pdf(practices, start: datetime, end: datetime) -> bytes:
    """The printable collection of ``practices`` (WeasyPrint, URL fetches refused)."""
    from aimak_web.practices.pdf import render_pdf

    html = render_to_string("journal/digest_pdf.html", {
        "practices": practices, "start": start, "end": end})
    return render_pdf(html, [Path(__file__).parent / "static" / "journal" / "digest.css"])


def send_digests(end: datetime | None = None, days: int = 7, lang: str = "ru") -> int:
    """E-mail each entitled subscriber the practices and journal items of their themes
    published in the ``days`` before ``end``, with the PDF collection; returns how many were
    sent."""
    end = end or timezone.now()
    start = end - timedelta(days=days)
    sent = 0
    subs = (Subscription.objects.filter(active=True).exclude(user__email__isnull=True)
            .exclude(user__email="").select_related("user").prefetch_related("themes"))
    for sub in subs:
        if entitlement(sub.user, timezone.localdate(end)) is None:
            continue
        themes = list(sub.themes.all()) or None
        practices = list(published_between(start, end, themes))
        items = journal_between(start, end, themes)
        if not practices and not items:
            continue
        links = [(p, site_url(p.get_absolute_url())) for p in practices]
        item_links = [(x, site_url(x.get_absolute_url())) for x in items]
        attachments = ([("aimak-practices.pdf", collection_pdf(practices, start, end),
                         "application/pdf")] if practices else [])
        if send_to_user(sub.user, gettext_lazy("aimak digest of practices"),
                        "journal/digest_email.txt",
                        {"links": links, "item_links": item_links, "start": start,
                         "end": end}, lang, attachments):
            sub.last_sent_at = end
            sub.save(update_fields=["last_sent_at"])
            sent += 1
    return sent


def send_reminders(on: date | None = None) -> int:
    """Remind the readers a payment covers, ``AIMAK_SUBSCRIPTION_REMIND_DAYS`` days or fewer
    before it ends (once per payment, unless a later payment already continues it)."""
    from django.contrib.auth import get_user_model

    on = on or today()
    horizon = on + timedelta(days=settings.AIMAK_SUBSCRIPTION_REMIND_DAYS)
    sent = 0
    for pay in Payment.objects.filter(period_end__gte=on, period_end__lte=horizon,
                                      reminded_at__isnull=True):
        later = Payment.objects.filter(period_start__gt=pay.period_end).filter(
            Q(reader_id=pay.reader_id, reader__isnull=False)
            | Q(municipality_id=pay.municipality_id, municipality__isnull=False))
        if later.exists():
            continue
        if pay.reader_id:
            readers = [pay.reader]
        else:
            readers = list(get_user_model().objects.filter(
                municipality_id=pay.municipality_id, role="municipal_staff"))
        for reader in readers:
            if send_to_user(reader, gettext_lazy("Your journal subscription ends soon"),
                            "journal/reminder_email.txt", {
                                "payment": pay, "price": price_som(False),
                                "url": site_url(reverse("journal:subscription"))}):
                sent += 1
        pay.reminded_at = timezone.now()
        pay.save(update_fields=["reminded_at"])
    return sent


# --- the journal's experts ---------------------------------------------------------------------


def appoint_expert(admin, user, field_ru: str = "", field_ky: str = ""):
    """An administrator names ``user`` an expert who answers legal questions (again, if they
    were withdrawn); they are told by e-mail."""
    from .models import Expert

    if not can(admin, "journal.manage_experts"):
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("This account is closed."))
    with transaction.atomic(), set_actor(admin):
        expert, _created = Expert.objects.update_or_create(
            user=user, defaults={"field_ru": field_ru.strip(), "field_ky": field_ky.strip(),
                                 "active": True})
    send_to_user(user, gettext_lazy("You are an expert of the journal «Municipality»"),
                 "journal/expert_email.txt",
                 {"expert": expert, "url": site_url(reverse("journal:office"))})
    return expert


def set_expert_active(admin, expert, active: bool):
    """An administrator withdraws an expert (they answer no more questions; their published
    answers stay signed) or reinstates them."""
    if not can(admin, "journal.manage_experts"):
        raise PermissionDenied
    with set_actor(admin):
        expert.active = active
        expert.save(update_fields=["active"])
    return expert


# --- legal consultations ------------------------------------------------------------------------


def ask(user, consultation: Consultation) -> Consultation:
    """An LSG body's question, sent to the journal (subscribers only)."""
    if not can(user, "journal.ask"):
        raise PermissionDenied
    consultation.submitter = user
    consultation.municipality_id = user.municipality_id
    consultation.save()
    consultation.submit(user)
    return consultation


def answer(user, consultation: Consultation, answer_ru: str, answer_ky: str) -> Consultation:
    """An expert answers a submitted question; a moderator then publishes it (unless the
    asker keeps it private: then it is delivered to them only)."""
    from .models import Expert

    if not can(user, "journal.answer"):
        raise PermissionDenied
    if consultation.status not in (Status.SUBMITTED, Status.UNDER_REVIEW):
        raise ValidationError(_("This question is not waiting for an answer."))
    if consultation.submitter_id == user.pk:
        raise PermissionDenied
    if not (answer_ru.strip() or answer_ky.strip()):
        raise ValidationError(_("Write the answer in Russian or in Kyrgyz."))
    with set_actor(user):
        consultation.expert = Expert.objects.get(user=user)
        consultation.answer_ru, consultation.answer_ky = answer_ru.strip(), answer_ky.strip()
        consultation.answered_at = timezone.now()
        consultation.status = Status.UNDER_REVIEW
        consultation.save()
    send_to_user(consultation.submitter, gettext_lazy("Your legal question is answered"),
                 "journal/answered_email.txt",
                 {"item": consultation, "url": site_url(consultation.get_absolute_url())})
    return consultation
