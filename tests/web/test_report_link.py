"""The link to an analysis' report says "report", not "complain": one English msgid "Report"
meant both the hearings' complaint button and the territory's report links, and Django's merged
catalogs gave the report links «Пожаловаться» / «Даттануу» (issue 29)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "word"), [("ru", "Отчёт"), ("ky", "Отчет"), ("en", "Report")])
def test_report_links_are_called_report(client, tmp_path, lang, word):
    from aimak_web.territory.models import Analysis

    report = tmp_path / "report.html"
    report.write_text("<!doctype html><title>r</title>", encoding="utf-8")
    a = Analysis.objects.create(title="report link test", dataset_path="-", times_path="-",
                                report_path=str(report))
    prefix = "" if lang == "ru" else f"/{lang}"
    html = client.get(f"{prefix}/territory/").content.decode()
    item = re.search(rf'<li id="analysis-{a.pk}">(.*?)</li>', html, re.S).group(1)
    assert f"{word}: <a " in item
    assert "Пожаловаться" not in html and "Даттануу" not in html
