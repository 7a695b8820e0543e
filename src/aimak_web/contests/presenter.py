"""What a juror may see of an application: built here and nowhere else (no view assembles it).

* Texts go through the ``Anonymiser``.
* Evidence files are the sanitised copies (``sanitise.py``) under neutral names.
* Facts of the platform's hearings are shown as bands (attendance in ranges, "7–13 days'
  notice", counts in ranges), one set of bands for the whole edition, chosen so that every shown
  combination is shared by at least ``K`` municipalities in the public hearing data (the same
  figures the open API and the hearing pages show): starting from the finest bands, the least
  useful fact is coarsened, then withheld, until every application's combination is common
  enough (k-anonymity). Applications without platform hearings take part in the count, and when
  even "held a hearing on the platform" would single someone out, nothing is shown to anyone.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .anonymity import Anonymiser
from .models import Application, Edition, Evidence

#: the smallest number of municipalities that must share what a juror is shown
K = 5
INF = math.inf

#: fact -> its levels of detail (lower bounds of the bands); beyond the last level: withheld
LEVELS: dict[str, list[list[float]]] = {
    "hearings": [[1, 2, 3], [1, 2]],
    "notice_days": [[0, 7, 14, 30], [0, 14]],
    "attendance": [[0, 20, 50, 100, 200], [0, 50]],
    "women_share": [[0, 0.3, 0.5], [0, 0.5]],
    "proposals": [[0, 1, 5, 10], [0, 1]],
    "answered_share": [[0, 0.5, 1], [0, 1]],
}
LABELS = {
    "hearings": gettext_lazy("hearings held on the platform in the hearings period"),
    "notice_days": gettext_lazy("notice before the meeting (the shortest), days"),
    "attendance": gettext_lazy("people present (all meetings)"),
    "women_share": gettext_lazy("share of women among those present"),
    "proposals": gettext_lazy("proposals made"),
    "answered_share": gettext_lazy("proposals answered with reasons"),
}
#: the order in which facts lose detail: least useful to the jury first
ORDER = ["hearings", "women_share", "attendance", "proposals", "notice_days", "answered_share"]
SHARES = {"women_share", "answered_share"}


def profile(facts: list[dict]) -> dict[str, float | None] | None:
    """One municipality's hearings held in the period, summed up; ``None`` without any."""
    if not facts:
        return None
    total = sum(f.get("attendance_total") or 0 for f in facts)
    women = sum(f.get("attendance_women") or 0 for f in facts)
    proposals = sum(f.get("proposals") or 0 for f in facts)
    answered = sum(round((f.get("answered_share") or 0) * (f.get("proposals") or 0))
                   for f in facts)
    notices = [f["notice_lead_days"] for f in facts if f.get("notice_lead_days") is not None]
    return {"hearings": len(facts), "notice_days": min(notices) if notices else None,
            "attendance": total, "women_share": women / total if total else None,
            "proposals": proposals, "answered_share": answered / proposals if proposals else None}


def _band(value: float | None, bounds: list[float]) -> int | None:
    if value is None:
        return None
    return max(i for i, b in enumerate(bounds) if value >= b) if value >= bounds[0] else None


@dataclass(frozen=True)
class Scheme:
    """Level of detail per fact (``len(LEVELS[fact])`` = withheld) and whether "held a hearing
    on the platform" is shown at all."""

    levels: tuple[tuple[str, int], ...]
    held_shown: bool = True

    def signature(self, prof: dict | None) -> tuple:
        if not self.held_shown:
            return ()
        if prof is None:
            return ("none",)
        out = []
        for fact, level in self.levels:
            if level < len(LEVELS[fact]):
                out.append((fact, _band(prof[fact], LEVELS[fact][level])))
        return ("held", *out)


def schemes():
    """The schemes from most to least detailed, one fact losing a level at each step."""
    levels = dict.fromkeys(ORDER, 0)
    yield Scheme(tuple(levels.items()))
    for step in (1, 2):
        for fact in ORDER:
            levels[fact] = step
            yield Scheme(tuple(levels.items()))
    yield Scheme(tuple(levels.items()), held_shown=False)


@dataclass
class ShownFact:
    key: str
    label: str
    text: str
    low: float | None  # the band [low, high); None: the value is unknown (shown as —)
    high: float | None


@dataclass
class JurorFile:
    pk: int
    name: str
    description: str


@dataclass
class BlindApplication:
    code: str
    summary: str
    offline: str
    #: None: nothing about platform hearings is shown (too few municipalities share it)
    facts: list[ShownFact] | None
    held: bool | None
    k: int
    files: list[JurorFile] = field(default_factory=list)


def _band_text(fact: str, low: float, high: float) -> str:
    if fact in SHARES:
        if low >= 1:
            return _("all") if fact == "answered_share" else "100 %"
        if high == INF:
            return _("%(a)s %% or more") % {"a": round(low * 100)}
        return f"{round(low * 100)}–{round(high * 100) - 1} %"
    if high == INF:
        return _("%(a)s or more") % {"a": int(low)}
    if high - low == 1:
        return str(int(low))
    return f"{int(low)}–{int(high) - 1}"


def neutral_name(application: Application, number: int, ext: str) -> str:
    """The name under which jurors download a file: the code and a number only."""
    return f"{application.code}-{number}.{ext}"


class BlindPresenter:
    """The jury's view of an edition's applications."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition

    @cached_property
    def population(self) -> dict[int, dict | None]:
        """Every municipality that could have applied -> its public hearing profile."""
        from aimak_web.places.models import Municipality

        from .facts import period_facts

        munis = Municipality.objects.all()
        if self.edition.eligible_kinds:
            munis = munis.filter(kind__in=self.edition.eligible_kinds)
        held = period_facts(self.edition.hearings_from, self.edition.hearings_to)
        return {pk: profile(held.get(pk, [])) for pk in munis.values_list("pk", flat=True)}

    @cached_property
    def applications(self) -> dict[int, dict | None]:
        """Submitted application id -> the profile of the facts it captured at submission."""
        return {pk: profile([f for f in facts if isinstance(f, dict)])
                for pk, facts in Application.objects.filter(
                    edition=self.edition, state=Application.State.SUBMITTED)
                .values_list("pk", "auto_facts")}

    @cached_property
    def scheme(self) -> Scheme:
        """The most detailed scheme under which every application's combination is shared by
        at least ``K`` municipalities of the public data."""
        last = None
        for scheme in schemes():
            last = scheme
            counts = Counter(scheme.signature(p) for p in self.population.values())
            if all(counts[scheme.signature(p)] >= K for p in self.applications.values()):
                return scheme
        return last

    def k_of(self, application: Application) -> int:
        """How many municipalities share what is shown of ``application``."""
        counts = Counter(self.scheme.signature(p) for p in self.population.values())
        return counts[self.scheme.signature(self.applications.get(application.pk))]

    def facts(self, application: Application) -> tuple[list[ShownFact] | None, bool | None]:
        prof = self.applications.get(application.pk)
        scheme = self.scheme
        if not scheme.held_shown:
            return None, None
        if prof is None:
            return [], False
        shown = []
        for fact, level in scheme.levels:
            if level >= len(LEVELS[fact]):
                continue
            bounds = LEVELS[fact][level]
            i = _band(prof[fact], bounds)
            if i is None:
                shown.append(ShownFact(fact, str(LABELS[fact]), "—", None, None))
                continue
            low, high = bounds[i], (bounds[i + 1] if i + 1 < len(bounds) else INF)
            shown.append(ShownFact(fact, str(LABELS[fact]), _band_text(fact, low, high),
                                   low, high))
        return shown, True

    def application(self, application: Application) -> BlindApplication:
        anon = Anonymiser.for_application(application)
        facts, held = self.facts(application)
        files = [JurorFile(e.pk, neutral_name(application, i, e.juror_ext()),
                           anon.text(e.description))
                 for i, e in enumerate(application.evidence.all(), start=1)]
        return BlindApplication(application.code, anon.text(application.summary),
                                anon.text(application.offline_hearings), facts, held,
                                self.k_of(application), files)

    def file(self, application: Application, evidence: Evidence) -> tuple[bytes, str, str]:
        """(content, neutral file name, content type) of the sanitised copy of a file."""
        from .sanitise import juror_copy

        number = list(application.evidence.values_list("pk", flat=True)).index(evidence.pk) + 1
        data, ext, content_type = juror_copy(evidence, Anonymiser.for_application(application))
        return data, neutral_name(application, number, ext), content_type
