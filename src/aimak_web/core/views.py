"""Platform-wide pages: home, health, the audit trail, and the error answers (400, 403, 404,
429, 500) in the reader's language, saying why and where to go, as a page or as JSON."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .audit import row as audit_row
from .exports import csv_response
from .home import home_context


def home(request):
    """The home page: what the apps registered in ``core.home`` (the oblasts, ...)."""
    return render(request, "core/home.html", home_context(request))


def health(request):
    """For load balancers and the benchmark's baseline: no database, no template."""
    return JsonResponse({"status": "ok"})


def wants_json(request) -> bool:
    """A script's request (fetch, an API, a ``.json`` address) gets its error as JSON."""
    accept = request.headers.get("Accept", "")
    return ("application/json" in accept and "text/html" not in accept) \
        or request.path.endswith(".json") or request.path.startswith("/api/") \
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _same_site_referer(request) -> str:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return ""


def error_page(request, status: int, reason: str, *, extra: dict | None = None):
    """One error answer: a page in the base layout (or JSON) with the reason and ways on."""
    if wants_json(request):
        return JsonResponse({"error": reason, "status": status}, status=status)
    return render(request, "core/error.html", {
        "status": status, "reason": reason, "back": _same_site_referer(request),
        **(extra or {})}, status=status)


def bad_request(request, exception=None):
    return error_page(request, 400, _("The request could not be understood: a form or a link "
                                      "was damaged on the way. Go back and try again."))


def permission_denied(request, exception=None):
    """Why this person may not open the page, and what would let them."""
    user = request.user
    extra: dict = {}
    if not user.is_authenticated:
        reason = _("This page is open to signed-in people only.")
        extra["signin"] = True
    elif getattr(user, "role", "") == "citizen" and not getattr(user, "residence_verified_at",
                                                                None):
        reason = _("Your residence is not verified yet. The ayil okmotu of your municipality "
                   "confirms it, or you confirm your phone number in your account; then you can "
                   "take part.")
        extra["verify"] = True
    else:
        reason = _("Your account (%(role)s) does not give access to this page or action.") % {
            "role": user.get_role_display()}
    return error_page(request, 403, reason, extra=extra)


def page_not_found(request, exception=None):
    return error_page(request, 404, _("There is no such page: the address is wrong, or what it "
                                      "showed was removed or is not published yet."))


def server_error(request):
    """The 500 page: no database, no layout that could fail again."""
    reason = _("Something went wrong on our side. The error is recorded; try again in a few "
               "minutes.")
    if wants_json(request):
        return JsonResponse({"error": reason, "status": 500}, status=500)
    return HttpResponse(render_to_string("core/500.html", {"reason": reason}), status=500)


def rate_limited(request, exception=None):
    """Too many requests: the reason in the reader's language (page or JSON)."""
    return error_page(request, 429, _("You sent too many requests in a short time. Wait a few "
                                      "minutes and try again; nothing you sent before was "
                                      "lost."))


def _require_audit(request) -> None:
    if not request.user.has_perm("accounts.view_audit"):
        raise PermissionDenied


def _audit_entries(request):
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    model = request.GET.get("model")
    if model:
        entries = entries.filter(content_type__model=model)
    actor = request.GET.get("actor")
    if actor:
        entries = entries.filter(actor__username=actor)
    return entries


@login_required
def audit(request):
    """National administrators browse the append-only audit trail."""
    _require_audit(request)
    page = Paginator(_audit_entries(request), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page,
                                               "rows": [audit_row(e) for e in page]})


@login_required
def audit_export(request):
    """The audit trail as CSV (who, when, what, old and new values)."""
    _require_audit(request)
    header = ["timestamp", "actor", "action", "model", "object_id", "object", "changes",
              "remote_addr"]
    rows = ([e.timestamp.isoformat(), e.actor.username if e.actor else "",
             e.get_action_display(), e.content_type.model, e.object_pk, e.object_repr,
             e.changes_str if hasattr(e, "changes_str") else e.changes, e.remote_addr or ""]
            for e in _audit_entries(request).iterator(chunk_size=500))
    return csv_response(header, rows, "aimak-audit.csv", streaming=True)


def csrf_failure(request, reason=""):
    return error_page(request, 403, _("The form has expired or was not sent from this site. "
                                      "Reload the page and try again."))
