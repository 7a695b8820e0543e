"""Russian and Kyrgyz reports name every criterion, indicator and parameter in their language.

The keys are the real ones: the fields of ``aimak.plans.criteria.Criteria`` as the pipeline
passes them, and the figures ``aimak.zones.metrics`` returns (on a SYNTHETIC table).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from aimak.i18n import use_language
from aimak.kyrgyzstan.sources import SOURCES
from aimak.plans.criteria import Criteria
from aimak.report.views import _pairs
from aimak.scenarios import criteria_values
from aimak.zones import metrics
from aimak.zones.flowmatrix import FlowMatrix

CYRILLIC = re.compile("[А-Яа-яЁёӨөҮүҢң]")


def _zone_metrics() -> dict:
    fm = FlowMatrix.from_arrays(["a", "b", "c"], np.array([[5.0, 2, 0], [1, 4, 0], [0, 1, 3]]))
    labels = np.array([0, 0, 1])
    compared = metrics.compare_with_municipalities(fm.units, labels, np.array(["m", "m", "n"]))
    compared.pop("split")
    return {"method": "lma", "min_size": 1000, "target_size": 10000, "min_sc": 0.6667,
            "target_sc": 0.75, **metrics.summary(fm, labels), **compared,
            "split_municipalities": 0}


def _criteria() -> dict:
    # every field given a value, so that none is left out as the pipeline leaves out empty ones
    c = criteria_values(Criteria(min_population=5000, max_population=90000, max_minutes=60,
                                 max_km=25, max_units=10, centre_services=("clinic",),
                                 source="x.toml (built-in)"))
    c["min_population_exempt"] = ("41703",)
    c["cross_border_allowed"] = c["must_merge"] = c["must_not_merge"] = (("41703", "41704"),)
    c["weights"]["balance_target"] = 5000
    return c


@pytest.mark.parametrize("lang", ["ru", "ky"])
@pytest.mark.parametrize("values", [_criteria(), _zone_metrics(),
                                    {"plan": "x", "status": "optimal", "units": 3}],
                         ids=["criteria", "zone_metrics", "plan_summary"])
def test_every_label_and_enumerated_value_is_translated(lang: str, values: dict) -> None:
    with use_language(lang):
        pairs = _pairs(values, lang)
    assert pairs
    for label, value in pairs:
        assert CYRILLIC.search(label), label
        if re.fullmatch(r"[a-z_]+", value) or value.endswith("(built-in)"):
            pytest.fail(f"{label}: value {value!r} shown untranslated")
    assert not any(label in ("Plan", "name", "plan") for label, _v in pairs)


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_source_descriptions_are_translated(lang: str) -> None:
    from aimak.i18n import catalog

    known = catalog(lang)
    for source in SOURCES:
        assert CYRILLIC.search(known.get(source.description, "")), source.description
        # licences made only of proper names ("WOF CC0; GeoNames CC BY 4.0") stay as they are
        if re.search(r"\b[a-z]{4,}\b", source.licence):
            assert CYRILLIC.search(known.get(source.licence, "")), source.licence
