"""The results contract between the core and the platform: what a run produced.

The pipeline (``aimak.pipeline.run``) ends by writing ``manifest.json`` in its output folder:
the dataset, the travel times, the flows and the zones it used, each scenario's plan (or why
there is none), the report's files, the steps it went through and the versions that made them.
The platform reads that file (``Manifest.read``) and nothing else of the run's folder; the
step cache (``aimak.cache``) stays the pipeline's own business.

The pipeline's steps, with their translatable labels, are defined here once (``STEPS``): the
pipeline reports them as it starts each one (``plans:NAME`` for each scenario), and the CLI's
progress and the platform's job pages say them in the reader's language (``stage_label``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aimak.errors import fail
from aimak.i18n import N_, gettext
from aimak.io import atomic_path

#: The file a run writes in its output folder.
FILE = "manifest.json"
#: Raised when a manifest's layout changes in a way older readers cannot follow.
FORMAT = 1

#: The pipeline's steps in order, each with its label (an English message id of
#: ``aimak.i18n``, translated into ru and ky in ``src/aimak/locale``).
STEPS: dict[str, str] = {
    "dataset": N_("dataset"),
    "times": N_("travel times"),
    "flows": N_("flows"),
    "zones": N_("functional zones"),
    "plans": N_("amalgamation plans"),
    "forecast": N_("forecasts"),
    "official": N_("official plan"),
    "report": N_("report"),
}
#: Results the step cache keeps under a name of their own, and the step they belong to.
CACHED_PARTS = {"zone_metrics": "zones"}
CACHED_LABELS = {"zone_metrics": N_("zone metrics")}
PLAN_LABEL = N_("plan: {name}")

#: Called with each stage as it starts: a step id, or ``plans:NAME`` for each scenario.
Progress = Callable[[str], None]


def plan_stage(name: str) -> str:
    """The stage the pipeline reports while it plans scenario ``name``."""
    return f"plans:{name}"


def split_stage(stage: str) -> tuple[str, str]:
    """A reported stage (``flows``, ``plans:NAME``) or a cached result's name (``plan-NAME``,
    ``zone_metrics``) as ``(step id, detail)``; the detail is a scenario's name or ""."""
    for prefix in ("plans:", "plan-"):
        if stage.startswith(prefix):
            return "plans", stage[len(prefix):]
    return CACHED_PARTS.get(stage, stage), ""


def stage_label(stage: str, lang: str | None = None) -> str:
    """A stage or cached result in ``lang`` (default: the current language); a name this
    module does not know is returned as it is."""
    step, detail = split_stage(stage)
    if detail:
        return gettext(PLAN_LABEL, lang).format(name=detail)
    if stage in CACHED_LABELS:
        return gettext(CACHED_LABELS[stage], lang)
    return gettext(STEPS[step], lang) if step in STEPS else stage


def progress_share(stage: str) -> float:
    """The share of the pipeline's steps begun when ``stage`` starts (0 before the first)."""
    step, _ = split_stage(stage)
    order = list(STEPS)
    return order.index(step) / len(order) if step in order else 0.0


@dataclass
class PlanEntry:
    """One scenario of a run: its title, the criteria it was solved under and its plan file
    (``old_code, new_unit, centre``), or why it has none."""

    title: str
    criteria: str
    mapping: Path | None = None
    infeasible: str | None = None


@dataclass
class Manifest:
    """What a run produced; paths are absolute once read (stored relative to the folder)."""

    folder: Path
    dataset: Path
    times: Path
    flows: Path | None = None
    zones: Path | None = None
    plans: dict[str, PlanEntry] = field(default_factory=dict)
    report: dict[str, Path] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    lang: str = "ru"
    title: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def path(self) -> Path:
        return Path(self.folder) / FILE

    def write(self) -> Path:
        """Write ``manifest.json`` in the folder, atomically (a reader never sees half)."""
        folder = Path(self.folder).resolve()

        def rel(p: Path | None) -> str | None:
            if p is None:
                return None
            p = Path(p).resolve()
            return str(p.relative_to(folder)) if p.is_relative_to(folder) else str(p)

        data: dict[str, Any] = {
            "format": FORMAT, "created": self.created, "versions": self.versions,
            "lang": self.lang, "title": self.title, "steps": list(self.steps),
            "dataset": rel(self.dataset), "times": rel(self.times), "flows": rel(self.flows),
            "zones": rel(self.zones),
            "plans": {k: {**asdict(v), "mapping": rel(v.mapping)} for k, v in self.plans.items()},
            "report": {k: rel(v) for k, v in self.report.items()},
        }
        with atomic_path(self.path) as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return self.path

    @classmethod
    def read(cls, where: str | Path) -> Manifest:
        """The manifest of a run's output folder (or the file itself); a clear error when the
        folder holds none or the files it names are gone."""
        where = Path(where)
        path = where if where.name == FILE else where / FILE
        if not path.is_file():
            raise fail(f"no {FILE} here: this folder holds no finished run of the pipeline "
                       "(run 'aimak demo' or 'aimak analyze' to make one)", path.parent)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise fail(f"not a readable manifest ({exc})", path) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise fail(f"a manifest of another format; expected format {FORMAT}", path)
        folder = path.parent.resolve()

        def absolute(value: str | None, key: str, required: bool = True) -> Path | None:
            if value is None:
                if required:
                    raise fail(f"the manifest names no {key}", path)
                return None
            p = Path(value)
            p = p if p.is_absolute() else folder / p
            if not p.exists():
                raise fail(f"the {key} it names is gone ({p}); run the pipeline again", path)
            return p

        plans = {k: PlanEntry(title=v["title"], criteria=v["criteria"],
                              mapping=absolute(v.get("mapping"), f"plan '{k}'", False),
                              infeasible=v.get("infeasible"))
                 for k, v in data.get("plans", {}).items()}
        return cls(folder=folder, dataset=absolute(data.get("dataset"), "dataset"),
                   times=absolute(data.get("times"), "travel times"),
                   flows=absolute(data.get("flows"), "flows", False),
                   zones=absolute(data.get("zones"), "zones", False), plans=plans,
                   report={k: absolute(v, f"{k} report") for k, v in
                           data.get("report", {}).items()},
                   steps=list(data.get("steps", [])), lang=data.get("lang", "ru"),
                   title=data.get("title"), versions=dict(data.get("versions", {})),
                   created=data.get("created", ""))
