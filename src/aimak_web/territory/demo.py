"""Demo loader: the territory demo's results (today's map and the optimiser's plans) as scenarios.

Only what ``aimak demo`` computed is loaded, as its manifest names it (``aimak.manifest``):
the dataset, travel times and flows, and each scenario's plan. Nothing is edited by hand.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from aimak.errors import AimakError
from aimak.manifest import Manifest

from .services import ensemble_job
from .work import TERRAIN_PROVENANCE, load_results

#: The demo analysis' title (a message id: said in the reader's language)
DEMO_TITLE = gettext_noop("Jalal-Abad oblast (demonstration)")


def load(ctx) -> None:
    if ctx.results is None:
        ctx.log("territory: no results folder; no scenarios loaded")
        return
    try:
        manifest = Manifest.read(ctx.results)
    except AimakError as exc:
        ctx.log(f"territory: {exc}; no scenarios loaded")
        return
    analysis = load_results(DEMO_TITLE, manifest, ctx.users.get("admin"), TERRAIN_PROVENANCE)
    for criteria in sorted(set(analysis.scenarios.values_list("criteria", flat=True))):
        ensemble_job(analysis, criteria, ctx.users.get("admin"), start=True)  # demo's worker
    n = analysis.scenarios.count()
    ctx.log(f"territory: {n} scenarios (today's map and the optimiser's plans); ensembles "
            "queued for the background worker")
