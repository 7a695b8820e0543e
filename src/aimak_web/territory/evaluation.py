"""The bridge to the core: one ``aimak.plans.session.PlanSession`` per analysis and criteria,
kept in the process so that evaluating an edit does not re-read the inputs."""

from __future__ import annotations

import math
from functools import lru_cache

from aimak.plans.session import PlanSession
from aimak_web.core.text import reader_language

from .models import Analysis


@lru_cache(maxsize=8)
def _session(dataset: str, times: str, flows: str, criteria: str) -> PlanSession:
    return PlanSession.from_files(dataset, times, flows or None, criteria)


def session_for(scenario) -> PlanSession:
    """The in-memory session of the scenario's inputs and criteria (built once per process)."""
    a: Analysis = scenario.analysis
    return _session(a.dataset_path, a.times_path, a.flows_path, scenario.criteria)


def _clean(value):
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 4)
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def evaluation_json(session: PlanSession, mapping: list[dict]) -> dict:
    """Units, summary and violations of a mapping as plain JSON values, violations in the
    reader's language."""
    ev = session.evaluate(mapping, lang=reader_language())
    cols = ["new_unit", "centre_id", "centre_name", "n_municipalities", "municipalities",
            "population", "mean_minutes_to_centre", "max_minutes_to_centre",
            "share_within_30_min", "share_within_60_min", "self_containment", "violations"]
    units = [{k: _clean(v) for k, v in row.items()}
             for row in ev.units[cols].to_dict("records")]
    _local_centre_names(units)
    keys = ["units", "population", "smallest_unit_population", "largest_unit_population",
            "mean_minutes_to_centre", "max_minutes_to_centre", "share_within_30_min",
            "share_within_60_min", "self_containment", "violations"]
    summary = {k: _clean(ev.summary.get(k)) for k in keys}
    return {"units": units, "summary": summary,
            "violations": _named_violations(ev.violations, units), "mapping": mapping}


def _named_violations(violations: list[dict], units: list[dict]) -> list[dict]:
    """Violations that name their unit as the page does (the directory's name of the unit's
    municipality in the reader's language, else its centre), not by a 14-digit code."""
    from aimak_web.places.models import Municipality

    codes = {v["unit"] for v in violations if v.get("unit")}
    names = {m.code: m.name for m in Municipality.objects.filter(code__in=codes).only(
        "code", "name_ru", "name_ky", "name_en")}
    centres = {u["new_unit"]: u.get("centre_name") for u in units}
    out = []
    for v in violations:
        code = v.get("unit")
        name = names.get(code) or centres.get(code)
        if code and name:
            v = {**v, "message": v["message"].replace(code, f"«{name}»")}
        out.append(v)
    return out


def _local_centre_names(units: list[dict]) -> None:
    """Centres named in the reader's language from the places directory (the core's session
    names settlements in Latin script); one query."""
    from aimak_web.places.models import Settlement

    ids = {u["centre_id"] for u in units}
    names = {s.code: s.name for s in Settlement.objects.filter(code__in=ids).only(
        "code", "name_ru", "name_ky", "name_en")}
    for u in units:
        u["centre_name"] = names.get(u["centre_id"], u["centre_name"])


def unit_comparison(scenario, code: str, mapping: list[dict] | None = None) -> dict | None:
    """The proposed unit that holds municipality ``code`` and its indicators, beside today's
    figures of the same municipalities (for a merger-proposal hearing); ``mapping`` is a
    version's assignment (the scenario's current one by default)."""
    from aimak_web.places.models import Municipality

    session = session_for(scenario)
    mapping = scenario.current.mapping if mapping is None else mapping
    unit = next((r["new_unit"] for r in mapping if r["old_code"] == code), None)
    if unit is None:
        return None
    members = [r["old_code"] for r in mapping if r["new_unit"] == unit]
    proposed = evaluation_json(session, mapping)
    today = evaluation_json(session, session.current_mapping())
    names = {m.code: m.name for m in Municipality.objects.filter(code__in=members)}
    return {
        "scenario": scenario, "unit": unit,
        "members": [(c, names.get(c, c)) for c in members],
        "proposed": next(u for u in proposed["units"] if u["new_unit"] == unit),
        "today": [u for u in today["units"] if u["new_unit"] in members],
        "violations": [v for v in proposed["violations"] if v["unit"] == unit],
    }
