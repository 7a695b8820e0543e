"""Views of accounts: they parse the request and call the models and helpers; no logic here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from aimak_web.core.flash import later

from .forms import CodeForm, ResidentsUploadForm, SignInForm, SignUpForm
from .gateway import send_sms
from .models import OneTimeCode, ResidentEntry, Role, User
from .residents import column_help, read_residents, save_residents, verify_from_list
from .services import sign_up


@method_decorator(ratelimit(key="ip", rate=settings.AIMAK_RATE_SIGNIN, method="POST"),
                  name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/signin.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def _safe_next(request) -> str:
    """The request's ``next`` address if it stays on this site, else "": checked as Django's
    sign-in checks it, so no link sends a new person on to another host."""
    going = request.POST.get("next", request.GET.get("next", ""))
    if url_has_allowed_host_and_scheme(going, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return going
    return ""


def _with_next(url: str, going: str) -> str:
    return f"{url}?{urlencode({'next': going})}" if going else url


@ratelimit(key="ip", rate=settings.AIMAK_RATE_POST, method="POST")
def signup(request):
    """Sign-up answers alike whether or not the details belong to an account: nobody learns
    from it who has one. The new person then signs in (and confirms their phone) and goes on
    to a safe ``next`` (an invitation, a hearing) if the link that brought them had one."""
    going = _safe_next(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(going or reverse("accounts:me"))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sign_up(form.cleaned_data)
        messages.success(request, later(gettext_noop(
            "Your account is ready: sign in with your e-mail or phone number and password. If "
            "these details already belonged to an account, we have told its owner.")))
        following = (_with_next(reverse("accounts:phone_confirm"), going)
                     if form.cleaned_data["phone"] else going or reverse("accounts:me"))
        return redirect(_with_next(reverse("accounts:signin"), following))
    return render(request, "accounts/signup.html", {"form": form, "next": going})


def _reset_account(group, request) -> str:
    """The account a password reset is asked for (django-ratelimit key)."""
    return "reset:" + (request.POST.get("email") or "").strip().lower()


@method_decorator(ratelimit(key="ip", rate=settings.AIMAK_RATE_RESET_ADDRESS, method="POST"),
                  name="dispatch")
@method_decorator(ratelimit(key=_reset_account, rate=settings.AIMAK_RATE_RESET_ACCOUNT,
                            method="POST", block=False), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset (the same answer for any address), limited per address (429) and per
    account (past the limit nothing is sent, and the answer stays the same)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if getattr(self.request, "limited", False):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@login_required
def me(request):
    return render(request, "accounts/me.html", {"Role": Role})


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_CODE, method="POST")
def phone_confirm(request):
    """Send a one-time code to the user's phone, and check the code they type."""
    user = request.user
    going = _safe_next(request)
    if not user.phone:
        messages.error(request, later(gettext_noop("Your account has no phone number.")))
        return redirect("accounts:me")
    form = CodeForm(request.POST if request.POST.get("action") == "check" else None)
    if request.method == "POST" and request.POST.get("action") == "send":
        _obj, code = OneTimeCode.issue(user, "confirm_phone", user.phone)
        send_sms(user.phone, _("aimak code: %(code)s. It is valid for 10 minutes.")
                 % {"code": code})
        messages.info(request, later(gettext_noop("We sent a code to %(phone)s."),
                                     phone=user.phone))
        return redirect(_with_next(reverse("accounts:phone_confirm"), going))
    if request.method == "POST" and form.is_valid():
        if OneTimeCode.verify(user, "confirm_phone", form.cleaned_data["code"]):
            user.phone_confirmed_at = timezone.now()
            user.save(update_fields=["phone_confirmed_at"])
            if verify_from_list(user):
                messages.success(request, later(gettext_noop(
                    "Phone confirmed; your residence is verified from the municipality's "
                    "residents list.")))
            else:
                messages.success(request, later(gettext_noop("Phone confirmed.")))
            return HttpResponseRedirect(going or reverse("accounts:me"))
        form.add_error("code", _("The code is wrong or has expired."))
    return render(request, "accounts/phone_confirm.html", {"form": form, "next": going})


def _staff_municipality(request):
    user = request.user
    municipality = user.municipality if user.is_authenticated else None
    if municipality is None or not user.has_perm("accounts.manage_residents", municipality):
        raise PermissionDenied
    return municipality


@login_required
@ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")
def residents(request):
    """Staff: upload the residents list and see who waits for verification."""
    municipality = _staff_municipality(request)
    form = ResidentsUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows, problems = read_residents(upload, municipality)
        if not problems:
            n = save_residents(rows, municipality, request.user, upload.name)
            messages.success(request, later(gettext_noop(
                "%(n)s residents loaded from %(file)s."), n=n, file=upload.name))
            return redirect("accounts:residents")
    waiting = User.objects.filter(role=Role.CITIZEN, municipality=municipality,
                                  residence_verified_at__isnull=True).order_by("date_joined", "pk")
    entries = ResidentEntry.objects.filter(municipality=municipality).select_related("village")
    return render(request, "accounts/residents.html", {
        "municipality": municipality, "form": form, "problems": problems,
        "columns": column_help(), "waiting": waiting, "entries": entries[:500],
        "entry_count": entries.count()})


@login_required
@require_POST
def resident_confirm(request, user_id: int):
    """Staff: confirm a person's residence by hand."""
    municipality = _staff_municipality(request)
    person = get_object_or_404(User, pk=user_id, role=Role.CITIZEN, municipality=municipality)
    person.verify_residence("manual", by=request.user)
    messages.success(request, later(gettext_noop("Residence of %(name)s confirmed."),
                                        name=str(person)))
    return redirect("accounts:residents")
