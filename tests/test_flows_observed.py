"""Observed OD tables and name matching (synthetic data)."""

from __future__ import annotations

import pandas as pd
import pytest

from aimak.errors import InputError
from aimak.flows.observed import read_flows
from aimak.names import NameIndex, name_key
from aimak.zones.flowmatrix import FlowMatrix


def test_ids_stay_strings_and_source_is_filled(tmp_path):
    path = tmp_path / "od.csv"
    path.write_text("origin,destination,flow,service\n007,010,12,work\n010,007,3,\n")
    flows = read_flows(path)
    assert flows["origin"].tolist() == ["007", "010"]
    assert flows["source"].tolist() == ["observed", "observed"]
    assert flows["service"].tolist()[0] == "work"
    fm = FlowMatrix.from_frame(flows)
    assert list(fm.units) == ["007", "010"] and fm.T.sum() == 15


def test_unknown_ids_are_reported_with_suggestions(tmp_path):
    path = tmp_path / "od.csv"
    path.write_text("origin,destination,flow\ngn:1528675,gn:152867,4\ngn:1,gn:1528675,-2\n")
    with pytest.raises(InputError) as err:
        read_flows(path, known=["gn:1528675", "gn:1"])
    text = str(err.value)
    assert "row 2, column 'flow'" in text and "negative" in text
    path.write_text("origin,destination,flow\ngn:1528675,gn:152867,4\n")
    with pytest.raises(InputError) as err:
        read_flows(path, known=["gn:1528675", "gn:1"])
    text = str(err.value)
    assert "row 1, column 'destination'" in text
    assert "did you mean 'gn:1528675'" in text


def test_bad_source_label_and_parquet(tmp_path):
    path = tmp_path / "od.parquet"
    pd.DataFrame(
        {"origin": ["a"], "destination": ["b"], "flow": [1.0], "source": ["guessed"]}
    ).to_parquet(path)
    with pytest.raises(InputError, match="'guessed' is not one of"):
        read_flows(path)
    pd.DataFrame({"origin": ["a"], "destination": ["b"], "flow": [1.0]}).to_parquet(path)
    assert read_flows(path, source="surveyed")["source"].tolist() == ["surveyed"]


def test_name_key_folds_spellings():
    variants = ["Джалал-Абад", "Жалал-Абад", "Jalal-Abad", "Dzhalal-Abad", "г. Джалал-Абад"]
    assert len({name_key(v) for v in variants}) == 1
    assert name_key("Кок-Жар") == name_key("Kok-Zhar") == name_key("Кок Жар")
    assert name_key(None) == "" and name_key(float("nan")) == ""


def test_name_index_lookup_ambiguity_and_suggestions():
    index = NameIndex(["Kok-Art", "Kok-Art", "Suzak"], ["a", "b", "c"])
    assert index.lookup("Кок-Арт") == ["a", "b"]
    assert index.lookup("Suzac") == []
    assert index.suggest("Suzac") == ["c"]
    assert index.suggest("Qwerty") == []
