"""Criteria and objectives of an amalgamation plan, read from a readable TOML file.

Every criterion is optional; an absent one is not enforced. The example files shipped in
``aimak/plans/criteria/`` document their defaults and the reforms they are drawn from.
"""

from __future__ import annotations

import math
import numbers
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from aimak.errors import InputError, Problem, fail, shown
from aimak.io import read_toml
from aimak.schema import FACILITY_TYPES

STAY_WITHIN = ("rayon", "oblast", "none")
CENTRE_CANDIDATES = ("municipal_centres", "all_settlements")
#: Fields of ``Criteria`` that a ``[criteria]`` table may not set (they come from elsewhere).
_NOT_CRITERIA = frozenset({"weights", "name", "source", "title"})


class _RefusedError(ValueError):
    """A value refused with the message a user reads; ``column`` when not the field itself."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


def _number(value: object) -> bool:
    """A finite real number; ``true`` is not 1 and ``nan``/``inf`` are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _finite(value: object) -> float:
    if not _number(value):
        raise _RefusedError(f"expected a finite number, got {shown(value)}")
    return value if isinstance(value, int | float) else float(value)  # numpy's ints: float


def _non_negative(value: object) -> float:
    if not (_number(value) and value >= 0):
        raise _RefusedError(f"expected a finite non-negative number, got {shown(value)}")
    return _finite(value)


def _target(value: object) -> float:
    if (number := _finite(value)) < 0:
        raise _RefusedError(f"expected a target of at least 0, got {shown(value)}")
    return number


def _whole(value: object) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise _RefusedError(f"expected a whole number >= 1, got {value!r}")
    return int(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _RefusedError(f"expected true or false, got {value!r}")
    return value


def _whole_municipalities(value: object) -> bool:
    if _flag(value) is False:
        raise _RefusedError("splitting municipalities is not supported yet; set "
                   "whole_municipalities = true")
    return value


def _one_of(choices: tuple[str, ...]) -> PlainValidator:
    def check(value: object) -> str:
        if value not in choices:
            raise _RefusedError(f"expected one of {', '.join(choices)}, got {value!r}")
        return value
    return PlainValidator(check)


def _listed(value: object) -> list | tuple:
    if not isinstance(value, list | tuple):
        raise _RefusedError(f"expected a list, got {shown(value)}")
    return value


def _codes(value: object) -> tuple[str, ...]:
    return tuple(str(x) for x in _listed(value))


def _services(value: object) -> tuple[str, ...]:
    bad = [s for s in _listed(value) if s not in FACILITY_TYPES]
    if bad:
        raise _RefusedError(f"unknown service(s) {', '.join(map(str, bad))}; expected facility "
                   f"types: {', '.join(FACILITY_TYPES)}")
    return tuple(value)


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    pairs = _listed(value)
    if not all(isinstance(p, list | tuple) and len(p) == 2 for p in pairs):
        raise _RefusedError("expected a list of pairs such as [[\"A\", \"B\"], [\"C\", \"D\"]]")
    return tuple((str(a), str(b)) for a, b in pairs)


def _column_name(value: object) -> str:
    if not isinstance(value, str):
        raise _RefusedError("expected a column name")
    return value


# The value types of the criteria file: each check says what was expected, in the words a
# user reads (pydantic's own messages name Python types, not TOML).
Finite = Annotated[float, PlainValidator(_finite)]
NonNegative = Annotated[float, PlainValidator(_non_negative)]
Flag = Annotated[bool, PlainValidator(_flag)]
Codes = Annotated[tuple[str, ...], PlainValidator(_codes)]
Pairs = Annotated[tuple[tuple[str, str], ...], PlainValidator(_pairs)]


class Weights(BaseModel):
    """Weights of the objective terms (each term is scaled to roughly 0..1; minimised).

    travel: population-weighted mean travel time to the unit's centre, in hours.
    coherence: share of inter-settlement flows that cross unit boundaries (1 - self-containment).
    balance: sum over units of |population - target| divided by the total population; with
    ``balance_on`` naming a numeric column of the municipalities layer (e.g. own revenue, for
    fiscal capacity), the same on that column instead of population.
    units: number of new units divided by the number of current municipalities; a negative
    weight asks for as many units as the criteria allow (as max-p regionalisation does).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    travel: Finite = 1.0
    coherence: Finite = 0.0
    balance: Finite = 0.0
    units: Finite = 0.0
    balance_target: Annotated[float, PlainValidator(_target)] | None = None
    balance_on: Annotated[str, PlainValidator(_column_name)] = "population"


class Criteria(BaseModel):
    """Hard criteria every plan must satisfy, and the objective among those plans.

    Populations are inhabitants, times minutes, distances kilometres, ``service_radius_m``
    metres (a facility that close to a settlement counts as being in it). With
    ``keep_current_access`` a settlement already farther than ``max_minutes`` / ``max_km`` from
    its current centre only needs a new centre no farther than the current one. Values are
    checked when the model is built (from a file or in code); ``model_copy`` does not check.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_population: NonNegative | None = None
    min_population_exempt: Codes = ()
    #: Exempt from min_population every municipality that could not reach it with all the
    #: municipalities it may share a centre with (travel and border rules): remote places that
    #: no merger can make large enough, as Denmark exempted small islands in 2007.
    exempt_isolated: Flag = False
    max_population: NonNegative | None = None
    max_minutes: NonNegative | None = None
    max_km: NonNegative | None = None
    keep_current_access: Flag = False
    centre_services: Annotated[tuple[str, ...], PlainValidator(_services)] = ()
    service_radius_m: NonNegative = 1500.0
    centre_candidates: Annotated[str, _one_of(CENTRE_CANDIDATES)] = "municipal_centres"
    whole_municipalities: Annotated[bool, PlainValidator(_whole_municipalities)] = True
    contiguity: Flag = True
    stay_within: Annotated[str, _one_of(STAY_WITHIN)] = "rayon"
    cross_border_allowed: Pairs = ()
    must_merge: Pairs = ()
    must_not_merge: Pairs = ()
    max_units: Annotated[int, PlainValidator(_whole)] | None = None
    weights: Weights = Weights()
    name: str = "criteria"
    source: str | None = None
    #: The ``[about] title`` of the criteria file ("" when it has none).
    title: str = ""

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Criteria:
        """A file's criteria must also agree with each other. Code may build criteria that
        admit no plan (the solvers then say why; their tests do so on purpose)."""
        if not (info.context or {}).get("file_checks"):
            return self
        for key in ("must_merge", "must_not_merge", "cross_border_allowed"):
            same = [a for a, b in getattr(self, key) if a == b]
            if same:
                raise _RefusedError(f"'{same[0]}' is paired with itself; expected pairs of "
                                    "two different codes", column=key)
        if (self.min_population is not None and self.max_population is not None
                and self.min_population > self.max_population):
            raise _RefusedError("min_population is larger than max_population",
                                column="min_population")
        return self

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
        """Build from the parsed TOML: a ``[criteria]`` table and an ``[objective]`` table.

        The file's layout (tables, key names) is checked here; the values by the fields'
        validators, every bad value reported with its key."""
        unknown_tables = set(data) - {"criteria", "objective", "about"}
        if unknown_tables:
            raise fail(f"unknown table(s) {', '.join(sorted(unknown_tables))}; expected "
                       "[criteria], [objective] and optionally [about]", file)
        for table in ("criteria", "objective", "about"):
            if not isinstance(data.get(table, {}), dict):
                raise fail(f"[{table}] must be a table of keys, not {shown(data[table])}", file)
        crit, obj = data.get("criteria", {}), data.get("objective", {})
        _known_keys(crit, set(cls.model_fields) - _NOT_CRITERIA, "criterion", file)
        _known_keys(obj, set(Weights.model_fields), "objective term", file)
        values = {**crit, "weights": obj, "name": name, "source": file,
                  "title": str(data.get("about", {}).get("title", ""))}
        try:
            return cls.model_validate(values, context={"file_checks": True})
        except ValidationError as err:
            raise _input_error(err, file) from None

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


def _known_keys(table: dict[str, Any], known: set[str], what: str, file: str | None) -> None:
    for key in table:
        if key not in known:
            raise fail(f"unknown {what} '{key}'; known: {', '.join(sorted(known))}", file,
                       column=key)


def _input_error(err: ValidationError, file: str | None) -> InputError:
    """The validators' refusals as problems naming the file and the key, in field order."""
    problems = []
    for e in err.errors():
        bad = e.get("ctx", {}).get("error")
        if not isinstance(bad, _RefusedError):  # a check that is not ours: pydantic's own words
            raise err
        column = bad.column or next((str(k) for k in reversed(e["loc"])), None)
        problems.append(Problem(str(bad), file, column=column))
    return InputError(problems)
