"""Pages of the role requests (``roles.py``): ask to act as municipal staff; decide requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from . import roles
from .models import StaffRequest
from .role_forms import DecisionForm, StaffRequestForm

POST_LIMIT = ratelimit(key="user", rate=settings.AIMAK_RATE_POST, method="POST")


@login_required
@POST_LIMIT
def request_staff(request):
    """A signed-in person asks to act for their municipality."""
    form = StaffRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            roles.ask_staff_role(request.user, form.cleaned_data["municipality"],
                                 form.cleaned_data["position"])
        except ValidationError as e:
            form.add_error(None, " ".join(e.messages))
        else:
            messages.success(request, _("Your request is sent. An administrator or a staff "
                                        "member of the municipality will decide."))
            return redirect("accounts:request_staff")  # where its state is listed
    mine = StaffRequest.objects.filter(user=request.user).select_related("municipality")[:5]
    return render(request, "accounts/request_staff.html", {"form": form, "mine": mine})


@login_required
def staff_requests(request):
    """The requests the signed-in person may decide (administrators: all)."""
    pending = list(roles.pending_for(request.user))
    if not pending and not (request.user.is_superuser or request.user.role in (
            "admin", "municipal_staff")):
        raise PermissionDenied
    return render(request, "accounts/staff_requests.html", {
        "pending": pending, "form": DecisionForm()})


@login_required
@require_POST
@POST_LIMIT
def staff_request_decide(request, pk: int):
    staff_request = get_object_or_404(StaffRequest, pk=pk)
    if not roles.may_decide(request.user, staff_request):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            roles.decide(request.user, staff_request, form.cleaned_data["action"] == "approve",
                         form.cleaned_data["reason"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, _("Choose to approve or refuse."))
    return redirect("accounts:staff_requests")
