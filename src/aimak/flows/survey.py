"""Field survey of where people go for services: the XLSForm and the ingest of its exports.

``write_form`` produces an XLSForm (sheets survey, choices, settings) for KoboToolbox or ODK: the
respondent's settlement is chosen from the dataset's settlements, then for each service (health
care, school, market, bank, post, ayil okmotu, rayon administration, work) where the respondent
usually goes and how often. A place missing from the list can be written in as text.

``ingest`` reads a KoboToolbox/ODK export (CSV or XLSX, with choice names or labels, group paths
such as ``svc_health/health_place`` or ``svc_health-health_place``) and returns surveyed flows.
Answers are resolved to settlement ids by choice name, then by spelling-insensitive name; a name
that is unknown or belongs to several settlements is not guessed: it is listed in the matching
report with suggestions, and a corrections table (``value, settlement_id``) settles it on the next
run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from aimak.errors import InputError, Problem, fail
from aimak.i18n import N_, gettext
from aimak.io import atomic_path, read_table
from aimak.names import NameIndex, name_key
from aimak.schema import SOURCE_ROW


@dataclass(frozen=True)
class Service:
    """A service asked about: its name in the form, its group title and its question.

    Titles and questions are English message ids; the form carries their Russian and Kyrgyz
    translations from aimak's catalogs (``aimak.i18n``).
    """

    name: str
    title: str
    question: str


SERVICES: tuple[Service, ...] = (
    Service("health", N_("Health care"),
            N_("Where do you usually go for health care (hospital, clinic or feldsher post)?")),
    Service("school", N_("School"),
            N_("Where do the children of your household usually go to school?")),
    Service("market", N_("Market and shopping"),
            N_("Where do you usually go to the market or for shopping?")),
    Service("bank", N_("Bank"), N_("Where do you usually go to a bank?")),
    Service("post", N_("Post office"), N_("Where do you usually go to the post office?")),
    Service("ayil_okmotu", N_("Ayil okmotu"),
            N_("Where do you usually go to the ayil okmotu (local government office)?")),
    Service("rayon_administration", N_("Rayon administration"),
            N_("Where do you usually go to the rayon administration?")),
    Service("work", N_("Work"), N_("Where do you usually work?")),
)

#: Frequency choices: name, label (English message id), nominal trips per year. The trips are
#: a conventional conversion (an assumption, not a measurement) used only with weight='trips'.
FREQUENCIES: tuple[tuple[str, str, float], ...] = (
    ("daily", N_("Every day or almost every day"), 300.0),
    ("weekly", N_("At least once a week"), 52.0),
    ("monthly", N_("At least once a month"), 12.0),
    ("few_times_a_year", N_("A few times a year"), 4.0),
    ("yearly", N_("Once a year or less"), 1.0),
)

OTHER = "other"
NONE = "none"
OTHER_LABEL = N_("Another place (write its name)")
NONE_LABEL = N_("I do not use this service")
#: Form languages in XLSForm's "Name (code)" form; the first is the form's default.
FORM_LANGUAGES = {"ru": "Russian (ru)", "ky": "Kyrgyz (ky)", "en": "English (en)"}
LABELS = [f"label::{name}" for name in FORM_LANGUAGES.values()]


def _labels(message: str) -> dict[str, str]:
    """The label columns of a row: ``message`` in every form language."""
    return {f"label::{name}": gettext(message, lang) for lang, name in FORM_LANGUAGES.items()}


def _keys(name: str, message: str) -> set[str]:
    """Name keys of a choice: its name and its label in every form language."""
    return {name_key(name)} | {name_key(gettext(message, lang)) for lang in FORM_LANGUAGES}


OTHER_KEYS = _keys(OTHER, OTHER_LABEL)
NONE_KEYS = _keys(NONE, NONE_LABEL)

SURVEY_COLUMNS = [
    "type",
    "name",
    *LABELS,
    "required",
    "relevant",
    "appearance",
    "choice_filter",
]
CHOICE_COLUMNS = [
    "list_name",
    "name",
    *LABELS,
    "settlement_id",
    "rayon",
    "oblast",
]

#: Status of a resolved answer in the matching report.
STATUS_DOC = {
    "name": "matched by its name (spelling-insensitive); check it",
    "corrected": "resolved by the corrections table",
    "ambiguous": "the name belongs to several settlements; add it to the corrections table",
    "unmatched": "no settlement has this name; see the suggestions and add it to the corrections",
    "missing": "no settlement given (blank, or 'other' without a name)",
    "bad_frequency": "the frequency is not one of the form's choices",
}


def choice_name(settlement_id: str) -> str:
    """The XLSForm choice name of a settlement id: letters, digits, '_' ('gn:1' -> 'gn_1')."""
    name = re.sub(r"\W", "_", str(settlement_id), flags=re.ASCII)
    return name if name[:1].isalpha() else f"s_{name}"


def _choice_names(ids: pd.Series) -> pd.Series:
    names = ids.map(choice_name)
    dup = names.duplicated(keep=False)
    if dup.any():
        clash = ", ".join(sorted(ids[dup].astype(str))[:6])
        raise ValueError(f"settlement ids collide as XLSForm choice names: {clash}")
    reserved = names.isin([OTHER, NONE])
    if reserved.any():
        raise ValueError(
            f"settlement ids collide with reserved choice names: "
            f"{', '.join(ids[reserved].astype(str))}"
        )
    return names


def _label(name: object, rayon: object) -> str:
    return f"{name} ({rayon})" if isinstance(rayon, str) and rayon else str(name)


def form_tables(
    settlements: pd.DataFrame,
    title: str = "Where people go for services",
    form_id: str = "aimak_services",
) -> dict[str, pd.DataFrame]:
    """The three XLSForm sheets (survey, choices, settings) as DataFrames."""
    s = settlements.sort_values(["oblast", "rayon", "name_en"], kind="stable")
    names = _choice_names(s["id"].astype(str))
    place = pd.DataFrame(
        {
            "name": names.to_numpy(),
            **{f"label::{FORM_LANGUAGES[lang]}": [
                _label(n if isinstance(n, str) and n else fb, r)
                for n, fb, r in zip(s[f"name_{lang}"], s["name_ru"], s["rayon"], strict=True)]
               for lang in FORM_LANGUAGES},
            "settlement_id": s["id"].astype(str).to_numpy(),
            "rayon": s["rayon"].to_numpy(),
            "oblast": s["oblast"].to_numpy(),
        }
    )
    other = {"name": OTHER, **_labels(OTHER_LABEL)}
    none = {"name": NONE, **_labels(NONE_LABEL)}
    home = pd.concat([place, pd.DataFrame([other])], ignore_index=True).assign(
        list_name="settlement"
    )
    dest = pd.concat([place, pd.DataFrame([other, none])], ignore_index=True).assign(
        list_name="destination"
    )
    freq = pd.DataFrame(
        [
            {"list_name": "frequency", "name": n, **_labels(label)}
            for n, label, _ in FREQUENCIES
        ]
    )
    choices = pd.concat([home, dest, freq], ignore_index=True).reindex(columns=CHOICE_COLUMNS)

    rows: list[dict[str, str]] = [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "today", "name": "today"},
        {
            "type": "begin_group",
            "name": "respondent",
            **_labels(N_("Respondent")),
        },
        {
            "type": "select_one settlement",
            "name": "home",
            **_labels(N_("In which settlement do you live?")),
            "required": "yes",
            "appearance": "autocomplete",
        },
        {
            "type": "text",
            "name": "home_other",
            **_labels(N_("Write the name of your settlement.")),
            "required": "yes",
            "relevant": "${home} = 'other'",
        },
        {"type": "end_group", "name": "respondent"},
    ]
    for svc in SERVICES:
        place_q = f"{svc.name}_place"
        rows += [
            {
                "type": "begin_group",
                "name": f"svc_{svc.name}",
                **_labels(svc.title),
            },
            {
                "type": "select_one destination",
                "name": place_q,
                **_labels(svc.question),
                "required": "yes",
                "appearance": "autocomplete",
            },
            {
                "type": "text",
                "name": f"{svc.name}_other",
                **_labels(N_("Write the name of the place.")),
                "required": "yes",
                "relevant": f"${{{place_q}}} = 'other'",
            },
            {
                "type": "select_one frequency",
                "name": f"{svc.name}_freq",
                **_labels(N_("How often do you go there?")),
                "required": "yes",
                "relevant": f"${{{place_q}}} != 'none' and ${{{place_q}}} != ''",
            },
            {"type": "end_group", "name": f"svc_{svc.name}"},
        ]
    survey = pd.DataFrame(rows).reindex(columns=SURVEY_COLUMNS)
    settings = pd.DataFrame(
        [
            {
                "form_title": title,
                "form_id": form_id,
                "version": datetime.now(UTC).strftime("%Y%m%d%H%M"),
                "default_language": FORM_LANGUAGES["ru"],
            }
        ]
    )
    return {"survey": survey, "choices": choices, "settings": settings}


def write_form(settlements: pd.DataFrame, path: str | Path, **kwargs: str) -> dict[str, int]:
    """Write the XLSForm to ``path`` (XLSX) atomically; returns counts of questions and choices."""
    tables = form_tables(settlements, **kwargs)
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in tables.items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        for record in frame.itertuples(index=False):
            ws.append(["" if pd.isna(v) else v for v in record])
        ws.freeze_panes = "A2"
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return {
        "questions": int((~tables["survey"]["type"].str.contains("group")).sum()),
        "settlements": len(settlements),
    }


# -- ingest --------------------------------------------------------------------------------------


@dataclass
class SurveyResult:
    """What ``ingest`` found: flows, the matching report and counts."""

    flows: pd.DataFrame
    report: pd.DataFrame
    responses: int
    usable: int
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def needs_attention(self) -> pd.DataFrame:
        """Report rows that were not resolved (ambiguous, unmatched, missing, bad frequency)."""
        return self.report[~self.report["status"].isin(["name", "corrected"])]


def _short_columns(columns: pd.Index) -> dict[str, str]:
    """Map export headers to question names: 'svc_health/health_place' -> 'health_place'."""
    out = {}
    for col in columns:
        short = re.split(r"[/\-:]", str(col).strip())[-1]
        out.setdefault(short, col)
    return out


def read_corrections(path: str | Path, known: set[str]) -> dict[str, str]:
    """Read a corrections table ``value, settlement_id`` (ids checked against ``known``)."""
    df = read_table(path)
    if len(df) == 0:
        raise fail("the corrections table has a header but no rows; expected value, "
                   "settlement_id", path)
    missing = [c for c in ("value", "settlement_id") if c not in df.columns]
    if missing:
        raise fail(
            f"the corrections table lacks the column(s) {', '.join(missing)}; expected "
            "value, settlement_id",
            path,
        )
    problems = []
    out: dict[str, str] = {}
    for r, value, sid in zip(df[SOURCE_ROW], df["value"], df["settlement_id"], strict=True):
        if pd.isna(sid) or str(sid).strip() == "":
            continue  # a suggestion not yet decided
        if str(sid).strip() not in known:
            problems.append(
                Problem(
                    f"'{sid}' is not a settlement id of the dataset",
                    str(path),
                    int(r),
                    "settlement_id",
                )
            )
        out[name_key(value)] = str(sid).strip()
    if problems:
        raise InputError(problems)
    return out


class _Resolver:
    def __init__(self, settlements: pd.DataFrame, corrections: dict[str, str]) -> None:
        s = settlements
        ids = s["id"].astype(str)
        self.by_choice = dict(zip(_choice_names(ids), ids, strict=True))
        self.by_choice.update({i: i for i in ids})
        names: list[object] = []
        owners: list[str] = []
        for col in ("name_en", "name_ru", "name_ky"):
            if col in s.columns:
                names += list(s[col])
                owners += list(ids)
                names += [_label(n, r) for n, r in zip(s[col], s["rayon"], strict=True)]
                owners += list(ids)
        self.index = NameIndex(names, owners)
        self.display = {
            i: f"{_label(n, r)} [{i}]"
            for i, n, r in zip(ids, s["name_en"], s["rayon"], strict=True)
        }
        self.corrections = corrections

    def resolve(self, value: str) -> tuple[str | None, str, list[str]]:
        """(settlement id or None, status, candidate ids) of one typed or chosen value."""
        if value in self.by_choice:
            return self.by_choice[value], "choice", []
        key = name_key(value)
        if key in self.corrections:
            return self.corrections[key], "corrected", []
        found = self.index.lookup(value)
        if len(found) == 1:
            return found[0], "name", []
        if len(found) > 1:
            return None, "ambiguous", found
        return None, "unmatched", self.index.suggest(value, n=3)


def _frequency_index() -> dict[str, str]:
    out = {}
    for name, label, _ in FREQUENCIES:
        for key in _keys(name, label):
            out[key] = name
    return out


def ingest(
    path: str | Path,
    settlements: pd.DataFrame,
    corrections: dict[str, str] | None = None,
    weight: str = "respondents",
    sheet: str | int | None = None,
) -> SurveyResult:
    """Turn a KoboToolbox/ODK export of the form into surveyed flows and a matching report.

    ``weight``: 'respondents' (each answer counts 1) or 'trips' (nominal trips per year from the
    frequency, see ``FREQUENCIES``). Flows: ``origin, destination, flow, service, source``
    with source 'surveyed' and one row per (origin, destination, service).
    """
    if weight not in ("respondents", "trips"):
        raise ValueError(f"weight must be 'respondents' or 'trips', not '{weight}'")
    path = Path(path)
    df = read_table(path, sheet=sheet)
    if len(df) == 0:
        raise fail("the export has a header but no responses", path)
    cols = _short_columns(df.columns)
    if "home" not in cols:
        raise fail(
            "the export has no 'home' column (the respondent's settlement); is it an "
            "export of the aimak survey form?",
            path,
        )
    resolver = _Resolver(settlements, corrections or {})
    freq_index = _frequency_index()
    trips = {name: t for name, _, t in FREQUENCIES}
    rows = df[SOURCE_ROW].to_numpy()
    report: dict[tuple[str, str, str], dict] = {}

    def note(
        column: str, value: str, status: str, sid: str | None, cands: list[str], row: int
    ) -> None:
        entry = report.setdefault(
            (column, value, status),
            {
                "column": column,
                "value": value,
                "status": status,
                "settlement_id": sid,
                "settlement": resolver.display.get(sid, "") if sid else "",
                "suggestions": "; ".join(resolver.display[c] for c in cands),
                "rows": [],
            },
        )
        entry["rows"].append(int(row))

    def answer(i: int, question: str, other: str) -> tuple[str | None, str]:
        raw = df[cols[question]].iloc[i] if question in cols else None
        value = "" if raw is None or pd.isna(raw) else str(raw).strip()
        if value == "":
            return None, "blank"
        if value == NONE or name_key(value) in NONE_KEYS:
            return None, "none"
        if value == OTHER or name_key(value) in OTHER_KEYS:
            typed = df[cols[other]].iloc[i] if other in cols else None
            value = "" if typed is None or pd.isna(typed) else str(typed).strip()
            if value == "":
                note(question, OTHER, "missing", None, [], rows[i])
                return None, "missing"
            column = other
        else:
            column = question
        sid, status, cands = resolver.resolve(value)
        if status != "choice":
            note(column, value, status, sid, cands, rows[i])
        return sid, status

    records: list[tuple[str, str, str, float]] = []
    usable = 0
    for i in range(len(df)):
        home, status = answer(i, "home", "home_other")
        if home is None:
            if status == "blank":
                note("home", "", "missing", None, [], rows[i])
            continue
        usable += 1
        for svc in SERVICES:
            dest, _ = answer(i, f"{svc.name}_place", f"{svc.name}_other")
            if dest is None:
                continue
            w = 1.0
            if weight == "trips":
                fq = f"{svc.name}_freq"
                raw = df[cols[fq]].iloc[i] if fq in cols else None
                freq = (
                    freq_index.get(name_key(raw)) if raw is not None and not pd.isna(raw) else None
                )
                if freq is None:
                    note(
                        fq,
                        "" if raw is None or pd.isna(raw) else str(raw),
                        "bad_frequency",
                        None,
                        [],
                        rows[i],
                    )
                    continue
                w = trips[freq]
            records.append((home, dest, svc.name, w))
    flows = pd.DataFrame(records, columns=["origin", "destination", "service", "flow"])
    flows = flows.groupby(["origin", "destination", "service"], as_index=False, sort=True)[
        "flow"
    ].sum()
    flows["source"] = "surveyed"
    flows = flows[["origin", "destination", "flow", "service", "source"]]
    rep = pd.DataFrame(
        list(report.values()),
        columns=["column", "value", "status", "settlement_id", "settlement", "suggestions", "rows"],
    )
    rep["count"] = rep["rows"].map(len)
    rep["rows"] = rep["rows"].map(lambda r: ", ".join(str(x) for x in r))
    rep["meaning"] = rep["status"].map(STATUS_DOC)
    rep = rep.sort_values(["status", "column", "value"], kind="stable").reset_index(drop=True)
    summary = {s: int(rep.loc[rep["status"] == s, "count"].sum()) for s in STATUS_DOC}
    return SurveyResult(flows=flows, report=rep, responses=len(df), usable=usable, summary=summary)


def corrections_template(report: pd.DataFrame) -> pd.DataFrame:
    """A corrections table to fill in: one row per unresolved value, with the suggestions."""
    todo = report[report["status"].isin(["ambiguous", "unmatched"])]
    first = todo["suggestions"].str.extract(r"\[([^\]]+)\]", expand=False)
    return pd.DataFrame(
        {
            "value": todo["value"].to_numpy(),
            "settlement_id": np.full(len(todo), "", dtype=object),
            "suggested_id": first.fillna("").to_numpy(),
            "suggestions": todo["suggestions"].to_numpy(),
        }
    )
