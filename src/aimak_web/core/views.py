"""Platform-wide pages: home, health, the audit trail, and the rate-limit answer."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from aimak_web.places.models import Municipality, Oblast

from .exports import csv_response


def home(request):
    oblasts = Oblast.objects.annotate(n_rayons=Count("rayons", distinct=True)).order_by("name_ru")
    return render(request, "core/home.html", {
        "oblasts": oblasts, "municipality_count": Municipality.objects.count()})


def health(request):
    """For load balancers and the benchmark's baseline: no database, no template."""
    return JsonResponse({"status": "ok"})


def rate_limited(request, exception=None):
    return render(request, "core/429.html", status=429)


def _require_audit(request) -> None:
    if not request.user.has_perm("accounts.view_audit"):
        raise PermissionDenied


def _audit_entries(request):
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
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
    return render(request, "core/audit.html", {"page": page})


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
    return HttpResponse(_("The form has expired or was not sent from this site. Reload the page "
                          "and try again."), status=403)
