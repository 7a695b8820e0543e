"""Hearings on a merger proposal of the territory explorer: municipal staff start one on the
unit their municipality would join in a scenario. Hearings use territory's scenarios; territory
never imports hearings (the apps' layers, ``tests/test_architecture.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override
from django.views.decorators.http import require_POST

from aimak_web.places.models import Municipality
from aimak_web.territory.services import scenario_for

from .models import Hearing, Subject

#: The title of a merger hearing; each language's title field gets it in that language.
MERGER_TITLE = gettext_noop("Public hearing: proposal to merge («%(title)s»)")


def start_merger_hearing(scenario, user) -> Hearing | None:
    """A draft hearing on the unit that ``user``'s municipality joins in ``scenario``, every
    municipality of that unit affected; None when the municipality is not in the scenario."""
    muni = user.municipality
    if muni is None or not user.has_perm("hearings.create_hearing", muni):
        raise PermissionDenied
    mapping = scenario.current.mapping
    unit = next((r["new_unit"] for r in mapping if r["old_code"] == muni.code), None)
    if unit is None:
        return None
    titles = {}
    for lang in ("ru", "ky"):
        with override(lang):
            titles[f"title_{lang}"] = _(MERGER_TITLE) % {"title": scenario.title_text}
    hearing = Hearing.objects.create(municipality=muni, subject=Subject.MERGER,
                                     year=timezone.now().year, scenario=scenario,
                                     created_by=user, **titles)
    members = [r["old_code"] for r in mapping if r["new_unit"] == unit]
    hearing.affected.set(Municipality.objects.filter(code__in=members))
    return hearing


@login_required
@require_POST
def start_from_scenario(request, pk: int):
    """Municipal staff start (as a draft) a public hearing on a scenario's proposal."""
    scenario = scenario_for(request.user, pk)
    hearing = start_merger_hearing(scenario, request.user)
    if hearing is None:
        messages.error(request, _("Your municipality is not part of this scenario."))
        return redirect(scenario)
    messages.success(request, _("A draft hearing on this proposal is created; set its dates "
                                "and announce it."))
    return redirect("hearings:edit", hearing.pk)
