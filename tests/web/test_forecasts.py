"""Forecast pages over the real rayon poverty panel: series, forecast band, backtest, sources."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from aimak_web.forecasts import service
from aimak_web.forecasts.service import data_folder


@pytest.fixture
def shared(shared_data, settings):
    settings.AIMAK_SHARED_DATA = str(shared_data)
    assert data_folder() is not None


@pytest.mark.django_db
def test_rayon_page_shows_history_forecast_and_backtest(client, shared):
    html = client.get(reverse("forecasts:rayon", args=["Aksy"])).content.decode()
    assert "prov-official" in html and "prov-modelled" in html
    forecast = html[html.index('data-testid="forecast"'):].split("</table>")[0]
    years = [int(y) for y in re.findall(r"<td>(20\d\d)</td>", forecast)]
    assert years == list(range(years[0], years[0] + 5)) and years[0] >= 2021
    scores = html[html.index('data-testid="scores"'):].split("</table>")[0]
    assert len(re.findall(r"<tr><td>\d</td>", scores)) == 3
    assert "naive" in html.split('data-testid="verdict"')[1].split("</p>")[0]
    svg = client.get(reverse("forecasts:chart", args=["Aksy"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


@pytest.mark.django_db
def test_index_lists_the_rayons_and_unknown_is_404(client, shared):
    html = client.get(reverse("forecasts:index")).content.decode()
    assert html.count('href="/forecasts/rayon/') >= 40
    assert client.get(reverse("forecasts:rayon", args=["Atlantis"])).status_code == 404


@pytest.mark.django_db
def test_without_data_the_page_says_so(client, settings, tmp_path):
    settings.AIMAK_SHARED_DATA = str(tmp_path)
    html = client.get(reverse("forecasts:index")).content.decode()
    assert 'class="empty"' in html


def test_the_fit_is_stored_once_and_shared(settings, tmp_path, monkeypatch):
    """A second process (the in-memory cache cleared) reads the stored result instead of
    fitting again; a changed input file is fitted anew."""
    folder = tmp_path / "shared"
    folder.mkdir()
    for name in service.INPUTS:
        (folder / name).write_text("year\n2020\n")
    calls = []
    monkeypatch.setattr(service, "_compute", lambda f: calls.append(f) or {"fit": len(calls)})
    service.poverty_forecast.cache_clear()
    try:
        assert service.poverty_forecast(str(folder)) == {"fit": 1}
        stored = list((settings.DATA_DIR / "forecasts").iterdir())
        assert [p.suffix for p in stored] == [".pickle"]  # no partial file left
        service.poverty_forecast.cache_clear()  # as a new server process
        assert service.poverty_forecast(str(folder)) == {"fit": 1} and len(calls) == 1
        (folder / service.INPUTS[0]).write_text("year\n2020\n2021\n")
        service.poverty_forecast.cache_clear()
        assert service.poverty_forecast(str(folder)) == {"fit": 2} and len(calls) == 2
    finally:
        service.poverty_forecast.cache_clear()
