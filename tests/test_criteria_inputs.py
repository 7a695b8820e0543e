"""Criteria that cannot mean anything are refused with the key named, not solved."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from aimak.errors import InputError
from aimak.plans.criteria import Criteria
from test_plans_cli import files, instance  # noqa: F401 (the synthetic dataset fixture)


def _problem(exc: InputError) -> tuple[str | None, str]:
    p = exc.problems[0]
    return p.column, p.message


@pytest.mark.parametrize("key", ["must_not_merge", "must_merge"])
def test_a_municipality_paired_with_itself_is_refused(key):
    with pytest.raises(InputError) as err:
        Criteria.from_dict({"criteria": {key: [["41703200001000", "41703200001000"]]}},
                           file="c.toml")
    column, message = _problem(err.value)
    assert column == key and "41703200001000" in message and "itself" in message


def test_a_negative_balance_target_is_refused():
    with pytest.raises(InputError) as err:
        Criteria.from_dict({"objective": {"balance": 1.0, "balance_target": -5}}, file="c.toml")
    column, message = _problem(err.value)
    assert column == "balance_target" and "-5" in message


def test_unknown_codes_in_cross_border_allowed_are_refused(files):  # noqa: F811
    known = instance(files, Criteria()).group_names
    good = Criteria(cross_border_allowed=((str(known[0]), str(known[-1])),))
    assert instance(files, good).allowed.any()
    bad = Criteria(cross_border_allowed=((str(known[0]), "Atlantis"),), source="c.toml")
    with pytest.raises(InputError) as err:
        instance(files, bad).allowed  # noqa: B018 (the property is the check)
    column, message = _problem(err.value)
    assert column == "cross_border_allowed" and "Atlantis" in message
    assert str(known[0]) in message  # the known names are listed


def test_every_bad_value_of_a_file_is_reported_with_its_key():
    with pytest.raises(InputError) as err:
        Criteria.from_dict({"criteria": {"max_km": -3, "stay_within": "city"},
                            "objective": {"travel": "fast"}}, file="c.toml")
    found = {(p.file, p.column): p.message for p in err.value.problems}
    assert found == {("c.toml", "max_km"): "expected a finite non-negative number, got -3",
                     ("c.toml", "stay_within"):
                         "expected one of rayon, oblast, none, got 'city'",
                     ("c.toml", "travel"): "expected a finite number, got 'fast'"}


def test_criteria_built_in_code_have_their_values_checked_too():
    with pytest.raises(ValidationError, match="expected true or false"):
        Criteria(contiguity="yes")
    assert Criteria(max_units=np.int64(3)).max_units == 3
    # criteria that admit no plan stay expressible in code: the solvers must say why
    assert Criteria(min_population=9000, max_population=10).min_population == 9000
