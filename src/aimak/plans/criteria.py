"""Criteria and objectives of an amalgamation plan, read from a readable TOML file.

Every criterion is optional; an absent one is not enforced. The example files shipped in
``aimak/plans/criteria/`` document their defaults and the reforms they are drawn from.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path

from aimak.errors import fail, shown
from aimak.io import read_toml
from aimak.schema import FACILITY_TYPES

STAY_WITHIN = ("rayon", "oblast", "none")


def _number(value: object) -> bool:
    """A finite int or float; ``true`` is not 1 and ``nan``/``inf`` are not numbers here."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))
CENTRE_CANDIDATES = ("municipal_centres", "all_settlements")


@dataclass(frozen=True)
class Weights:
    """Weights of the objective terms (each term is scaled to roughly 0..1; minimised).

    travel: population-weighted mean travel time to the unit's centre, in hours.
    coherence: share of inter-settlement flows that cross unit boundaries (1 - self-containment).
    balance: sum over units of |population - target| divided by the total population; with
    ``balance_on`` naming a numeric column of the municipalities layer (e.g. own revenue, for
    fiscal capacity), the same on that column instead of population.
    units: number of new units divided by the number of current municipalities; a negative
    weight asks for as many units as the criteria allow (as max-p regionalisation does).
    """

    travel: float = 1.0
    coherence: float = 0.0
    balance: float = 0.0
    units: float = 0.0
    balance_target: float | None = None
    balance_on: str = "population"


@dataclass(frozen=True)
class Criteria:
    """Hard criteria every plan must satisfy, and the objective among those plans.

    Populations are inhabitants, times minutes, distances kilometres, ``service_radius_m``
    metres (a facility that close to a settlement counts as being in it). With
    ``keep_current_access`` a settlement already farther than ``max_minutes`` / ``max_km`` from
    its current centre only needs a new centre no farther than the current one.
    """

    min_population: float | None = None
    min_population_exempt: tuple[str, ...] = ()
    #: Exempt from min_population every municipality that could not reach it with all the
    #: municipalities it may share a centre with (travel and border rules): remote places that
    #: no merger can make large enough, as Denmark exempted small islands in 2007.
    exempt_isolated: bool = False
    max_population: float | None = None
    max_minutes: float | None = None
    max_km: float | None = None
    keep_current_access: bool = False
    centre_services: tuple[str, ...] = ()
    service_radius_m: float = 1500.0
    centre_candidates: str = "municipal_centres"
    whole_municipalities: bool = True
    contiguity: bool = True
    stay_within: str = "rayon"
    cross_border_allowed: tuple[tuple[str, str], ...] = ()
    must_merge: tuple[tuple[str, str], ...] = ()
    must_not_merge: tuple[tuple[str, str], ...] = ()
    max_units: int | None = None
    weights: Weights = field(default_factory=Weights)
    name: str = "criteria"
    source: str | None = None
    #: The ``[about] title`` of the criteria file ("" when it has none).
    title: str = ""

    @staticmethod
    def names_file(spec: str) -> bool:
        """Whether ``spec`` names a criteria file (a path) rather than a built-in set."""
        return spec.endswith(".toml") or "/" in spec or "\\" in spec or Path(spec).is_file()

    @classmethod
    def load(cls, spec: str | Path) -> Criteria:
        """Criteria from a built-in name (``accessibility``, ...) or a TOML file's path."""
        spec = str(spec)
        return cls.read(spec) if cls.names_file(spec) else cls.builtin(spec)

    @classmethod
    def read(cls, path: str | Path) -> Criteria:
        """Read a criteria TOML file; unknown keys and bad values are errors naming the key."""
        path = Path(path)
        return cls.from_dict(read_toml(path, "criteria file"), file=str(path), name=path.stem)

    @classmethod
    def builtin(cls, name: str) -> Criteria:
        """One of the example criteria files shipped with aimak (e.g. 'accessibility')."""
        files = resources.files("aimak.plans") / "criteria"
        target = files / f"{name}.toml"
        if not target.is_file():
            known = sorted(p.name.removesuffix(".toml") for p in files.iterdir()
                           if p.name.endswith(".toml"))
            raise fail(f"no built-in criteria '{name}'; known: {', '.join(known)}")
        data = tomllib.loads(target.read_text(encoding="utf-8"))
        return cls.from_dict(data, file=f"{name}.toml (built-in)", name=name)

    @classmethod
    def from_dict(cls, data: dict, file: str | None = None, name: str = "criteria") -> Criteria:
        """Build from the parsed TOML: a ``[criteria]`` table and an ``[objective]`` table."""
        unknown_tables = set(data) - {"criteria", "objective", "about"}
        if unknown_tables:
            raise fail(f"unknown table(s) {', '.join(sorted(unknown_tables))}; expected "
                       "[criteria], [objective] and optionally [about]", file)
        for table in ("criteria", "objective", "about"):
            if not isinstance(data.get(table, {}), dict):
                raise fail(f"[{table}] must be a table of keys, not {shown(data[table])}", file)
        crit = dict(data.get("criteria", {}))
        obj = dict(data.get("objective", {}))
        allowed = {f.name for f in fields(cls)} - {"weights", "name", "source", "title"}
        for key in crit:
            if key not in allowed:
                raise fail(f"unknown criterion '{key}'; known: {', '.join(sorted(allowed))}",
                           file, column=key)
        wallowed = {f.name for f in fields(Weights)}
        for key in obj:
            if key not in wallowed:
                raise fail(f"unknown objective term '{key}'; known: "
                           f"{', '.join(sorted(wallowed))}", file, column=key)
        for key in ("min_population", "max_population", "max_minutes", "max_km",
                    "service_radius_m"):
            if key in crit and not (_number(crit[key]) and crit[key] >= 0):
                raise fail(f"expected a finite non-negative number, got {shown(crit[key])}",
                           file, column=key)
        if "max_units" in crit and (not isinstance(crit["max_units"], int)
                                    or isinstance(crit["max_units"], bool)
                                    or crit["max_units"] < 1):
            raise fail(f"expected a whole number >= 1, got {crit['max_units']!r}", file,
                       column="max_units")
        for key in ("whole_municipalities", "contiguity", "keep_current_access",
                    "exempt_isolated"):
            if key in crit and not isinstance(crit[key], bool):
                raise fail(f"expected true or false, got {crit[key]!r}", file, column=key)
        if crit.get("whole_municipalities") is False:
            raise fail("splitting municipalities is not supported yet; set "
                       "whole_municipalities = true", file, column="whole_municipalities")
        if crit.get("stay_within", "rayon") not in STAY_WITHIN:
            raise fail(f"expected one of {', '.join(STAY_WITHIN)}, got "
                       f"{crit['stay_within']!r}", file, column="stay_within")
        if crit.get("centre_candidates", CENTRE_CANDIDATES[0]) not in CENTRE_CANDIDATES:
            raise fail(f"expected one of {', '.join(CENTRE_CANDIDATES)}, got "
                       f"{crit['centre_candidates']!r}", file, column="centre_candidates")
        for key in ("min_population_exempt", "centre_services", "cross_border_allowed",
                    "must_merge", "must_not_merge"):
            if key in crit and not isinstance(crit[key], list):
                raise fail(f"expected a list, got {shown(crit[key])}", file, column=key)
        for key in ("stay_within", "centre_candidates"):
            if key in crit and not isinstance(crit[key], str):
                raise fail(f"expected a text, got {shown(crit[key])}", file, column=key)
        services = crit.get("centre_services", [])
        bad = [s for s in services if s not in FACILITY_TYPES]
        if bad:
            raise fail(f"unknown service(s) {', '.join(map(str, bad))}; expected facility "
                       f"types: {', '.join(FACILITY_TYPES)}", file, column="centre_services")
        crit["centre_services"] = tuple(services)
        crit["min_population_exempt"] = tuple(str(x) for x in
                                              crit.get("min_population_exempt", []))
        for key in ("cross_border_allowed", "must_merge", "must_not_merge"):
            pairs = crit.get(key, [])
            if not all(isinstance(p, list | tuple) and len(p) == 2 for p in pairs):
                raise fail("expected a list of pairs such as [[\"A\", \"B\"], [\"C\", \"D\"]]",
                           file, column=key)
            crit[key] = tuple((str(a), str(b)) for a, b in pairs)
        for key in ("must_merge", "must_not_merge", "cross_border_allowed"):
            same = [a for a, b in crit.get(key, ()) if a == b]
            if same:
                raise fail(f"'{same[0]}' is paired with itself; expected pairs of two "
                           "different codes", file, column=key)
        if not isinstance(obj.get("balance_on", ""), str):
            raise fail("expected a column name", file, column="balance_on")
        for key, value in obj.items():
            if key != "balance_on" and value is not None and not _number(value):
                raise fail(f"expected a finite number, got {shown(value)}", file, column=key)
        if obj.get("balance_target") is not None and obj["balance_target"] < 0:
            raise fail(f"expected a target of at least 0, got {shown(obj['balance_target'])}",
                       file, column="balance_target")
        if (crit.get("min_population") is not None and crit.get("max_population") is not None
                and crit["min_population"] > crit["max_population"]):
            raise fail("min_population is larger than max_population", file,
                       column="min_population")
        title = data.get("about", {}).get("title", "")
        return cls(**crit, weights=Weights(**obj), name=name, source=file, title=str(title))

    def describe(self) -> list[str]:
        """Plain sentences stating each active criterion (for reports and the CLI)."""
        out = []
        if self.min_population is not None:
            out.append(f"Each new unit has at least {self.min_population:,.0f} inhabitants.")
            if self.min_population_exempt:
                out.append(f"Units holding one of {len(self.min_population_exempt)} exempt "
                           "municipalities may be smaller.")
        if self.max_population is not None:
            out.append(f"Each new unit has at most {self.max_population:,.0f} inhabitants.")
        if self.max_minutes is not None:
            out.append(f"Every settlement is within {self.max_minutes:g} minutes of its centre.")
        if self.max_km is not None:
            out.append(f"Every settlement is within {self.max_km:g} km of its centre.")
        if self.keep_current_access and (self.max_minutes is not None or self.max_km is not None):
            out.append("A settlement already beyond that limit from its current centre may "
                       "stay so, but its new centre is no farther than the current one.")
        if self.centre_services:
            out.append(f"The centre has these services: {', '.join(self.centre_services)}.")
        if self.contiguity:
            out.append("Each new unit is one contiguous territory.")
        if self.stay_within != "none":
            out.append(f"Each new unit lies within one {self.stay_within}.")
        if self.must_merge:
            out.append(f"Pairs that must be merged: {len(self.must_merge)}.")
        if self.must_not_merge:
            out.append(f"Pairs that must not be merged: {len(self.must_not_merge)}.")
        if self.max_units is not None:
            out.append(f"There are at most {self.max_units} new units.")
        return out
