"""Survey form round trip: generate the XLSForm, fill a synthetic export, ingest it.

All settlements, names and answers here are synthetic test data.
"""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from aimak.errors import InputError
from aimak.flows.survey import (
    SERVICES,
    choice_name,
    corrections_template,
    form_tables,
    ingest,
    read_corrections,
    write_form,
)


def _settlements() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["gn:1", "gn:2", "gn:3", "gn:4", "gn:5"],
            "name_en": ["Jalal-Abad", "Kok-Art", "Bazar-Korgon", "Kok-Art", "Suzak"],
            "name_ru": ["Джалал-Абад", "Кок-Арт", "Базар-Коргон", "Кок-Арт", "Сузак"],
            "name_ky": ["Жалал-Абад", "Көк-Арт", "Базар-Коргон", "Көк-Арт", "Сузак"],
            "rayon": ["Jalal-Abad", "Suzak", "Bazar-Korgon", "Bazar-Korgon", "Suzak"],
            "oblast": ["Jalal-Abad"] * 5,
        }
    )


def test_choice_names_are_xlsform_safe():
    assert choice_name("gn:1528675") == "gn_1528675"
    assert choice_name("417-12") == "s_417_12"


def settings_default(wb) -> str:
    header, values = list(wb["settings"].values)[:2]
    return dict(zip(header, values, strict=True))["default_language"]


def test_form_has_the_three_sheets_and_every_service(tmp_path):
    path = tmp_path / "survey.xlsx"
    counts = write_form(_settlements(), path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["survey", "choices", "settings"]
    survey = pd.DataFrame(wb["survey"].values)
    names = set(survey[1].dropna())
    for svc in SERVICES:
        assert {f"{svc.name}_place", f"{svc.name}_other", f"{svc.name}_freq"} <= names
    header, *records = list(wb["choices"].values)
    choices = pd.DataFrame(records, columns=header)
    home = choices[choices["list_name"] == "settlement"]
    assert len(home) == 5 + 1  # the settlements and 'other'
    assert "Kok-Art (Suzak)" in set(home["label::English (en)"])
    questions = survey.set_index(1)
    header_row = next(iter(wb["survey"].values))
    ky = header_row.index("label::Kyrgyz (ky)")
    ru = header_row.index("label::Russian (ru)")
    assert questions.loc["home", ky] == "Кайсы калктуу конуште жашайсыз?"
    assert questions.loc["home", ru] == "В каком населённом пункте вы живёте?"
    assert settings_default(wb) == "Russian (ru)"
    dest = choices[choices["list_name"] == "destination"]
    assert {"other", "none"} <= set(dest["name"])
    assert counts["settlements"] == 5
    settings = list(wb["settings"].values)
    assert settings[0][:2] == ("form_title", "form_id")


def test_form_converts_with_pyxform(tmp_path):
    xls2xform = pytest.importorskip("pyxform.xls2xform")
    path = tmp_path / "survey.xlsx"
    write_form(_settlements(), path)
    result = xls2xform.convert(xlsform=str(path), validate=False)
    assert "<h:html" in result.xform
    assert "/svc_health/health_place" in result.xform
    assert not result.warnings


def _export(path, rows: list[dict]) -> None:
    """A synthetic KoboToolbox-style export with group paths in the headers."""
    frame = pd.DataFrame(rows)
    frame = frame.rename(
        columns=lambda c: (
            c if c == "home" or c == "home_other" else f"svc_{c.rsplit('_', 1)[0]}/{c}"
        )
    )
    frame = frame.rename(columns={"home": "respondent/home", "home_other": "respondent/home_other"})
    frame.to_csv(path, index=False)


def test_round_trip_with_misspelled_names(tmp_path):
    settlements = _settlements()
    form = form_tables(settlements)
    assert "gn_1" in set(form["choices"]["name"])
    export = tmp_path / "export.csv"
    _export(
        export,
        [
            # chosen from the list
            {
                "home": "gn_5",
                "health_place": "gn_1",
                "health_freq": "monthly",
                "market_place": "gn_1",
                "market_freq": "weekly",
                "work_place": "none",
            },
            # home written in: a Kyrgyz spelling of a unique name
            {
                "home": "other",
                "home_other": "Жалал-Абад",
                "health_place": "gn_1",
                "health_freq": "yearly",
            },
            # a misspelling of Suzak: not guessed
            {
                "home": "other",
                "home_other": "Suzac",
                "health_place": "gn_1",
                "health_freq": "daily",
            },
            # 'Kok-Art' is the name of two villages: ambiguous
            {
                "home": "gn_2",
                "market_place": "other",
                "market_other": "Kok Art",
                "market_freq": "weekly",
                "bank_place": "other",
                "bank_other": "Bazar-Kurgan",
                "bank_freq": "monthly",
            },
            # an export with labels instead of choice names
            {
                "home": "Kok-Art (Bazar-Korgon)",
                "school_place": "Kok-Art (Bazar-Korgon)",
                "school_freq": "Every day or almost every day",
            },
        ],
    )
    result = ingest(export, settlements)
    assert result.responses == 5 and result.usable == 4
    flows = result.flows.set_index(["origin", "destination", "service"])["flow"]
    assert flows[("gn:5", "gn:1", "health")] == 1
    assert flows[("gn:1", "gn:1", "health")] == 1
    assert flows[("gn:4", "gn:4", "school")] == 1
    assert ("gn:5", "gn:1", "market") in flows.index
    assert set(result.flows["source"]) == {"surveyed"}
    assert len(result.flows) == 4  # 'none', unmatched and ambiguous answers give no flow
    rep = result.report.set_index("value")
    assert rep.loc["Suzac", "status"] == "unmatched"
    assert "Suzak (Suzak) [gn:5]" in rep.loc["Suzac", "suggestions"]
    assert rep.loc["Suzac", "rows"] == "3"
    assert rep.loc["Kok Art", "status"] == "ambiguous"
    assert "[gn:2]" in rep.loc["Kok Art", "suggestions"]
    assert "[gn:4]" in rep.loc["Kok Art", "suggestions"]
    assert rep.loc["Bazar-Kurgan", "status"] == "unmatched"
    assert "[gn:3]" in rep.loc["Bazar-Kurgan", "suggestions"]
    assert rep.loc["Жалал-Абад", "status"] == "name"
    assert result.summary["unmatched"] == 2 and result.summary["ambiguous"] == 1

    # the person fills in the corrections template and runs the ingest again
    template = corrections_template(result.report)
    assert set(template["value"]) == {"Suzac", "Kok Art", "Bazar-Kurgan"}
    template["settlement_id"] = template["value"].map(
        {"Suzac": "gn:5", "Kok Art": "gn:2", "Bazar-Kurgan": "gn:3"}
    )
    corr_path = tmp_path / "corrections.csv"
    template.to_csv(corr_path, index=False)
    corrections = read_corrections(corr_path, set(settlements["id"]))
    again = ingest(export, settlements, corrections=corrections, weight="trips")
    assert again.usable == 5
    assert again.needs_attention.empty
    f = again.flows.set_index(["origin", "destination", "service"])["flow"]
    assert f[("gn:5", "gn:1", "health")] == 12 + 300  # monthly + daily, nominal trips a year
    assert f[("gn:2", "gn:2", "market")] == 52
    assert f[("gn:2", "gn:3", "bank")] == 12


def test_missing_home_and_bad_frequency_are_reported(tmp_path):
    export = tmp_path / "export.csv"
    _export(
        export,
        [
            {"home": "", "health_place": "gn_1", "health_freq": "monthly"},
            {"home": "gn_1", "health_place": "gn_1", "health_freq": "sometimes"},
        ],
    )
    result = ingest(export, _settlements(), weight="trips")
    assert result.usable == 1 and result.flows.empty
    assert set(result.report["status"]) == {"missing", "bad_frequency"}


def test_export_without_home_column_is_refused(tmp_path):
    export = tmp_path / "export.csv"
    pd.DataFrame({"a": [1]}).to_csv(export, index=False)
    with pytest.raises(InputError, match="no 'home' column"):
        ingest(export, _settlements())


def test_corrections_with_unknown_id_are_refused(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text("value,settlement_id\nSuzac,gn:99\n")
    with pytest.raises(InputError, match="row 1"):
        read_corrections(path, {"gn:1"})
