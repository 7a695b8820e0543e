"""Checked settings: strict pydantic models, and errors that name the file, section and key.

The base of every settings model of aimak (stage parameters, criteria, norms): strict types,
finite numbers, no unknown keys. ``check`` builds one from a parsed TOML table or from CLI
options and turns pydantic's errors into ``aimak.errors.Problem`` rows naming the file, the
section, the key, the value and what was expected (``true`` is not 1, ``"5"`` is not 5, ``inf``
and ``nan`` are not numbers).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from aimak.errors import InputError, Problem, shown


class Params(BaseModel):
    """Base of the stage parameters: strict types, finite numbers, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)

    @classmethod
    def misplaced(cls, data: dict[str, Any]) -> list[str]:
        """Keys of ``data`` that this model knows but that do not apply together with the
        other keys given (e.g. a Leiden key for the LMA method); none by default."""
        return []

    @classmethod
    def misplaced_message(cls, data: dict[str, Any]) -> str:
        return "does not apply here"

    def given(self) -> dict[str, Any]:
        """The parameters as keyword arguments of the stage's model."""
        return self.model_dump()




def default_of(target: Callable[..., Any], name: str) -> Any:
    """The default of parameter ``name`` of ``target`` (a class's ``__init__`` or a function):
    settings models take their defaults from the estimators they configure, so that each
    default is set once."""
    sig = inspect.signature(target.__init__ if inspect.isclass(target) else target)
    default = sig.parameters[name].default
    if default is inspect.Parameter.empty:
        raise TypeError(f"{target.__name__}: parameter {name} has no default")
    return default


def check(cls: type[Params], data: Any, file: str | Path | None = None,
          section: str | None = None, key_name: Any = None) -> Params:
    """``cls`` built from ``data``, or an ``InputError`` naming file, section, key and value.

    ``key_name`` maps a key to the name the user wrote (e.g. ``min_size`` -> ``--min-size``).
    """
    label = str(file) if file else None
    if not isinstance(data, dict):
        raise InputError([Problem(f"{shown(data)} is not a table of settings; expected a "
                                  f"[{section}] section of keys", label, section=section)])
    wrong = cls.misplaced(data)
    if wrong:
        raise InputError([Problem(cls.misplaced_message(data), label, section=section,
                                  key=(key_name or str)(k)) for k in wrong])
    try:
        return cls(**data)
    except ValidationError as exc:
        raise InputError([_problem(err, cls, data, label, section, key_name)
                          for err in exc.errors()]) from None


def _problem(err: dict, cls: type[Params], data: dict, file: str | None, section: str | None,
             key_name: Any) -> Problem:
    loc = err.get("loc") or ()
    key = str(loc[0]) if loc else None
    name = (key_name or str)(key) if key else None
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        known = ", ".join(sorted(cls.model_fields))
        return Problem(f"unknown key; known keys are: {known}", file, section=section, key=name)
    if kind == "missing":
        return Problem("a value is required", file, section=section, key=name)
    value = err.get("input")
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    if not key:  # a rule across keys, stated with the key first ("target_size (100) is ...")
        first = msg.split(" ", 1)[0]
        if first in cls.model_fields and key_name is not None:
            for field_name in cls.model_fields:
                msg = msg.replace(field_name, key_name(field_name))
        return Problem(msg, file, section=section,
                       key=(key_name or str)(first) if first in cls.model_fields else None)
    if isinstance(value, float) and not math.isfinite(value):
        return Problem(f"{shown(value)} is not a finite number; expected a finite number",
                       file, section=section, key=name)
    if isinstance(value, bool) and kind in ("float_type", "int_type"):
        msg = "expected a number, not true/false"
    else:
        msg = "expected: " + msg[0].lower() + msg[1:].replace("Input should be ", "")
        msg = msg.replace("input should be ", "")
    return Problem(f"{shown(value)} is not valid; {msg}", file, section=section, key=name)
