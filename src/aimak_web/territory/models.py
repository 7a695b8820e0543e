"""Merger scenarios: assignments of today's municipalities to new units, with versions.

An ``Analysis`` names the core's inputs (dataset, travel times, flows) that scenarios are
evaluated against; a ``Scenario`` belongs to one analysis and one criteria set; every edit makes a
new ``ScenarioVersion`` (who, when, what changed), so nothing is overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

#: Built-in criteria sets of the core (``aimak/plans/criteria/*.toml``).
CRITERIA = [("accessibility", _("Accessibility (Ukraine 2015 methodology)")),
            ("moderate", _("Moderate (10,000 inhabitants)")),
            ("population", _("Population (Denmark, 20,000 inhabitants)"))]


def said_title(title: str, params: dict | None) -> str:
    """A title in the reader's language: as written when ``params`` is None, else the message
    id ``title`` translated and filled with ``params`` (a value may be ``{lang: text}``, e.g.
    an oblast's names, from which the reader's language is taken, Russian failing that)."""
    if params is None:
        return title
    from aimak_web.core.text import reader_language

    lang = reader_language()
    values = {k: (v.get(lang) or v.get("ru", "")) if isinstance(v, dict) else v
              for k, v in params.items()}
    text = gettext(title)
    try:
        return text % values if values else text
    except (KeyError, TypeError, ValueError):  # a catalog that lost a placeholder
        return title % values


class Analysis(models.Model):
    """The inputs of the core pipeline that scenarios are evaluated against."""

    title = models.CharField(_("title"), max_length=200)
    #: None: ``title`` is as its author wrote it; a dict: ``title`` is an English message id
    #: (``gettext_noop``) said in the reader's language (``title_text``) with these values
    title_params = models.JSONField(null=True, blank=True, default=None)
    dataset_path = models.CharField(max_length=500)
    times_path = models.CharField(max_length=500)
    flows_path = models.CharField(max_length=500, blank=True)
    report_path = models.CharField(max_length=500, blank=True)
    provenance = models.TextField(_("how the inputs were made"), blank=True)

    @property
    def provenance_text(self) -> str:
        """``provenance`` in the reader's language when it is one of the loaders' message ids
        (``territory.work``), else as written."""
        from django.utils.translation import gettext

        return gettext(self.provenance) if self.provenance else ""
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")

    @property
    def title_text(self) -> str:
        return said_title(self.title, self.title_params)

    def __str__(self) -> str:
        return self.title_text


class Scenario(models.Model):
    STATUS = [("draft", _("draft")), ("proposed", _("proposed")), ("official", _("official"))]
    ORIGINS = [("today", _("today's map")), ("core", _("computed by the optimiser")),
               ("upload", _("uploaded plan")), ("copy", _("copy of another scenario"))]

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="scenarios")
    title = models.CharField(_("title"), max_length=200)
    #: as ``Analysis.title_params``
    title_params = models.JSONField(null=True, blank=True, default=None)
    criteria = models.CharField(_("criteria"), max_length=40, choices=CRITERIA)
    origin = models.CharField(_("origin"), max_length=10, choices=ORIGINS)
    status = models.CharField(_("status"), max_length=10, choices=STATUS, default="draft")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    locked_units = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["analysis", "-status", "title"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    @property
    def title_text(self) -> str:
        return said_title(self.title, self.title_params)

    def __str__(self) -> str:
        return self.title_text

    def get_absolute_url(self) -> str:
        return reverse("territory:scenario", args=[self.pk])

    @property
    def current(self) -> ScenarioVersion:
        return self.versions.order_by("-number").first()

    def add_version(self, mapping: list[dict], author, note: str, summary: dict,
                    note_params: dict | None = None) -> ScenarioVersion:
        """A new version; ``note`` is an English message id (marked with ``gettext_noop``)
        with ``%(name)s`` placeholders filled from ``note_params`` when it is shown."""
        last = self.versions.order_by("-number").values_list("number", flat=True).first() or 0
        return self.versions.create(number=last + 1, mapping=mapping, author=author, note=note,
                                    note_params=note_params or {}, summary=summary)


class ScenarioVersion(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    mapping = models.JSONField()
    summary = models.JSONField(default=dict)
    note = models.CharField(max_length=300, blank=True)
    note_params = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["scenario", "number"],
                                               name="scenario_version_once")]

    @property
    def note_text(self) -> str:
        """The note in the active language, its values filled in."""
        from django.utils.translation import gettext

        text = gettext(self.note) if self.note else ""
        if not self.note_params:
            return text
        params = dict(self.note_params)
        if "title" in params:  # the analysis' title, a message id: said in the reader's language
            params["title"] = self.scenario.analysis.title_text
        try:
            return text % params
        except (KeyError, TypeError, ValueError):  # a catalog that lost a placeholder
            return self.note % params


class Job(models.Model):
    """A background task of the explorer (django-tasks, database backend) and its state.

    States and allowed transitions live in ``TRANSITIONS``; every transition is a method that
    checks it and saves (the audit log records each change). ``kind`` says what runs:
    ``optimise`` (a scenario's plan repaired and improved, locked units kept: the result is a
    new version of the same scenario), ``ensemble`` (valid plans sampled once per analysis and
    criteria, cached in ``result``) or ``analysis`` (the core pipeline for an oblast).
    """

    KINDS = [("optimise", _("optimise from here")),
             ("ensemble", _("ensemble of valid plans")),
             ("analysis", _("territory analysis of an oblast"))]
    STATES = [("queued", _("waiting for the worker")), ("running", _("running")),
              ("done", _("done")), ("failed", _("failed"))]
    TRANSITIONS = {"queued": {"running", "failed"}, "running": {"done", "failed"}}
    ERRORS = [("infeasible", _("The unlocked units cannot be made to meet every criterion.")),
              ("input", _("The inputs are not usable.")),
              ("internal", _("The task stopped on an internal error; the team is told."))]

    kind = models.CharField(max_length=10, choices=KINDS)
    state = models.CharField(max_length=10, choices=STATES, default="queued")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="jobs")
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="jobs")
    criteria = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    time_limit = models.FloatField(default=30.0)
    task_id = models.CharField(max_length=64, blank=True)
    stage = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=10, choices=ERRORS, blank=True)
    detail = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    version = models.ForeignKey(ScenarioVersion, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("territory:job", args=[self.pk])

    def _move(self, state: str, **fields) -> None:
        if state not in self.TRANSITIONS.get(self.state, set()):
            raise ValueError(f"a {self.state} task cannot become {state}")
        self.state = state
        for k, v in fields.items():
            setattr(self, k, v)
        self.save()

    def start(self) -> None:
        from django.utils import timezone

        self._move("running", started=timezone.now())

    def finish(self, result: dict | None = None, version: ScenarioVersion | None = None
               ) -> None:
        from django.utils import timezone

        self._move("done", finished=timezone.now(), result=result or {}, version=version)

    def fail(self, error: str, detail: str = "", reasons: list | None = None) -> None:
        """Record the failure; ``reasons`` are the core's sentences (``aimak.i18n.Said``),
        kept as template and values so that each reader gets them in their language."""
        from django.utils import timezone

        from aimak.i18n import said_json

        said = said_json(list(reasons or ()))
        result = {**(self.result or {}), "reasons": said} if said else self.result
        self._move("failed", finished=timezone.now(), error=error, detail=detail[:2000],
                   result=result)

    #: A queued task no worker picked up within this long was left behind (hours).
    QUEUED_HOURS = 6.0
    #: A running task is given twice its time limit plus this long (minutes) before its
    #: worker is taken to have stopped (a restart or a crash leaves it "running").
    RUNNING_MARGIN_MINUTES = 15.0

    def fail_if_stale(self, now=None) -> bool:
        """Mark this task failed if a stopped worker left it behind (queued longer than
        ``QUEUED_HOURS``, or running longer than twice its time limit plus the margin), so
        that its page says so and the same work can start again; True if it was."""
        from datetime import timedelta

        from django.utils import timezone

        now = now or timezone.now()
        if self.state == "queued" and self.created < now - timedelta(hours=self.QUEUED_HOURS):
            self.fail("internal", gettext_noop("No background worker picked this task up; "
                                               "start it again once the worker runs."))
            return True
        if self.state == "running" and self.started is not None and (
                self.started + timedelta(seconds=2 * self.time_limit,
                                         minutes=self.RUNNING_MARGIN_MINUTES) < now):
            self.fail("internal", gettext_noop("The background worker stopped before "
                                               "finishing this task; start it again."))
            return True
        return False

    @classmethod
    def fail_stale(cls) -> int:
        """``fail_if_stale`` for every unfinished task (a few at most); returns how many."""
        from django.utils import timezone

        now = timezone.now()
        return sum(job.fail_if_stale(now)
                   for job in cls.objects.filter(state__in=["queued", "running"]))

    @property
    def detail_text(self) -> str:
        """The failure's detail in the active language when the core said it in sentences it
        can translate, else as recorded."""
        from aimak.i18n import say_json
        from aimak_web.core.text import reader_language

        said = (self.result or {}).get("reasons") if isinstance(self.result, dict) else None
        return say_json(said, reader_language()) if said else gettext(self.detail)

    def set_stage(self, stage: str) -> None:
        """Record the step a running task is at (shown on its page)."""
        self.stage = stage[:200]
        self.save(update_fields=["stage"])

    @property
    def progress(self) -> int:
        """Percent: the share of the time limit used while running (the solver stops at it)."""
        from django.utils import timezone

        if self.state == "done":
            return 100
        if self.state != "running" or self.started is None:
            return 0
        if self.kind == "analysis":  # the share of the pipeline's steps begun
            from aimak.manifest import progress_share

            return int(100 * progress_share(self.stage))
        used = (timezone.now() - self.started).total_seconds()
        return int(min(95, 100 * used / max(self.time_limit, 1e-3)))
