"""The contest's section on a municipality's page: its published results (never its pending
applications, which the jury judges blind)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aimak_web.places.sections import Section

from .models import Application, Edition


def contest_section(request, municipality) -> Section | None:
    apps = (Application.objects.filter(municipality=municipality,
                                       edition__state=Edition.State.PUBLISHED,
                                       state=Application.State.SUBMITTED)
            .select_related("edition").order_by("-edition__year"))
    rows = []
    for app in apps:
        row = next((r for r in app.edition.approved_results if r["code"] == app.code), None)
        if row:
            rows.append({"edition": app.edition, **row})
    if not rows:
        return None
    return Section(_("Contest “Real citizen participation in forming local budgets”"),
                   "contests/_section.html", {"rows": rows})
