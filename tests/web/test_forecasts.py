"""Forecast pages over the real rayon poverty panel: what to use, the published values with
their sources and last year, the forecast after it, the drivers, derived ayil-aimak figures,
one language per page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from aimak_web.forecasts import service
from aimak_web.forecasts.service import data_folder

#: Words of the English page that must not reach a Russian or Kyrgyz one.
ENGLISH = ("use the forecast", "last published", "interval", "Sources:", "backtest",
           "pooled", "National Statistical Committee", "Poverty rate")


@pytest.fixture
def shared(shared_data, settings):
    settings.AIMAK_SHARED_DATA = str(shared_data)
    assert data_folder() is not None


@pytest.fixture
def aksy(db):
    """Aksy rayon under its real СОАТЕ code, with one ayil aimak of a SYNTHETIC population."""
    from aimak_web.places.models import Municipality, Oblast, Rayon

    ob = Oblast.objects.create(code="41703000000000", name_ru="Джалал-Абадская область",
                               name_ky="Жалал-Абад облусу", name_en="Jalal-Abad")
    rayon = Rayon.objects.create(code="41703211000000", name_ru="Аксыйский район",
                                 name_ky="Аксы району", name_en="Aksy", oblast=ob)
    m = Municipality.objects.create(code="41703211800000", name_ru="Тестовый айыл аймагы",
                                    name_ky="Тест айыл аймагы", name_en="Test AA",
                                    kind="ayil_aimak", rayon=rayon, population=10000.0,
                                    population_year=2021, population_source="official",
                                    population_ref="synthetic (test)")
    return rayon, m


def text_of(html: str) -> str:
    body = html.split("<main", 1)[-1]
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.django_db
def test_rayon_page_shows_published_values_forecast_after_them_and_verdict(client, shared,
                                                                           aksy):
    html = client.get(reverse("forecasts:rayon", args=["Aksy"])).content.decode()  # Russian
    assert "Аксыйский район" in html and "prov-official" in html and "prov-modelled" in html
    last = html.split('data-testid="last-published"')[1].split("</p>")[0]
    assert "2020" in last and "32,0" in last  # Aksy's 2020 figure, decimal comma
    forecast = html[html.index('data-testid="forecast"'):].split("</table>")[0]
    assert [int(y) for y in re.findall(r"<td>(20\d\d)</td>", forecast)] == [2021, 2022, 2023]
    assert re.search(r"\d+,\d", forecast)  # decimal comma in Russian
    scores = html[html.index('data-testid="scores"'):].split("</table>")[0]
    assert len(re.findall(r"<tr><td>\d</td>", scores)) == 3
    verdict = html.split('data-testid="verdict"')[1].split("</ul>")[0]
    assert "2021 (горизонт 1 г.)" in verdict and "Аксы" not in verdict
    assert "черты бедности" in html.split('data-testid="poverty-line"')[1].split("</section>")[0]
    derived = html[html.index('data-testid="derived"'):].split("</table>")[0]
    assert "Тестовый айыл аймагы" in derived and "prov-estimated" in html
    for word in ENGLISH:
        assert word not in text_of(html), word
    svg = client.get(reverse("forecasts:chart", args=["Aksy"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


@pytest.mark.django_db
def test_kyrgyz_pages_speak_kyrgyz(client, shared, aksy):
    from django.utils import translation

    with translation.override("ky"):
        url = reverse("forecasts:rayon", args=["Aksy"])
        index = reverse("forecasts:index")
    html = client.get(url).content.decode()
    assert "Аксы району" in html and "жылдык горизонт" in html
    for word in ENGLISH:
        assert word not in text_of(html), word
    page = client.get(index).content.decode()
    assert "божомол" in page.lower() and "Аксы району" in page
    for word in ENGLISH:
        assert word not in text_of(page), word


@pytest.mark.django_db
def test_index_states_choice_backtest_and_drivers(client, shared):
    html = client.get(reverse("forecasts:index")).content.decode()
    assert html.count('href="/') and len(re.findall(r'href="[^"]*/forecasts/rayon/', html)) == 40
    scores = html[html.index('data-testid="scores"'):].split("</table>")[0]
    assert re.findall(r'<th class="num">(\d)</th>', scores) == ["1", "2", "3"]
    drivers = html[html.index('data-testid="drivers"'):].split("</table>")[0]
    assert "<td>2011</td>" in drivers and "<td>2024</td>" in drivers
    assert len(html.split('data-testid="verdict"')[1].split("</ul>")[0].split("<li>")) >= 4
    # rayons outside the directory are named from OCHA's names by СОАТЕ code, in Russian
    names = re.findall(r'/forecasts/rayon/[^"]+">([^<]+)</a>',
                       html.split('data-testid="rayons"')[1].split("</ul>")[0])
    assert len(names) == 40 and "Ак-Суйский" in names
    assert not [n for n in names if re.search("[A-Za-z]", n)]
    assert client.get(reverse("forecasts:rayon", args=["Atlantis"])).status_code == 404


@pytest.mark.django_db
def test_municipality_page_shows_the_derived_forecast(client, shared, aksy):
    _, m = aksy
    html = client.get(m.get_absolute_url()).content.decode()
    part = html.split('data-testid="municipality-forecast"')[1].split("</div>")[0]
    rate = service.rayon_view("Aksy")["forecast"].sort_values("year")["value"].iloc[0]
    people = f"{round(10000 * rate / 100):,d}".replace(",", "\u202f")
    assert people in part and "prov-estimated" in part


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


def census_rate(code: str, folder) -> float:
    """By hand from the census file: the last census before the latest figure, to it."""
    import pandas as pd

    c = pd.read_csv(folder / "rayon_population_census.csv")
    c = c[c["soate_code"].astype(str) == code].sort_values("year")
    last = c.iloc[-1]
    before = c[(c["year"] < last["year"]) & (c["kind"] == "census")].iloc[-1]
    return (last["population"] / before["population"]) ** (
        1 / (last["year"] - before["year"])) - 1


@pytest.mark.django_db
def test_municipality_page_projects_its_population_with_a_range(client, shared, aksy,
                                                                 shared_data):
    _, m = aksy
    html = client.get(m.get_absolute_url()).content.decode()
    part = html.split('data-testid="population-projection"')[1].split("</p>")[0]
    expected = 10000 * (1 + census_rate("41703211000000", shared_data)) ** (2030 - 2021)
    assert f"{round(expected):,d}".replace(",", "\u202f") in part
    low, high = re.findall(r"(\d[\d\u202f]*) – (\d[\d\u202f]*)", part)[0]
    assert int(low.replace("\u202f", "")) < expected < int(high.replace("\u202f", ""))
    assert "prov-projected" in html


@pytest.mark.django_db
def test_scenario_units_are_projected_with_their_range(shared, aksy, places):
    from django.template import Context, Template

    _, m = aksy
    other = places["a"]  # a SYNTHETIC rayon without a census series: the national rate
    mapping = [{"old_code": m.code, "new_unit": "U1"}, {"old_code": other.code,
                                                         "new_unit": "U1"}]
    html = Template("{% load forecasts %}{% unit_projections mapping units %}").render(
        Context({"mapping": mapping, "units": [{"new_unit": "U1", "name": "Unit one"}]}))
    row = html.split("<td>Unit one</td>")[1].split("</tr>")[0]
    cells = [int(c.replace("\u202f", "")) for c in re.findall(r"(\d[\d\u202f]*\d)", row)]
    assert cells[0] == 10000 + 5200  # today
    assert cells[2] < cells[1] < cells[3]  # the projection inside its range
    aksy_part = 10000 * (1 + census_rate("41703211000000", service.data_folder())) ** 9
    assert cells[1] > aksy_part + 5200  # both parts grow


def budget_folder(tmp_path, code: str):
    """A SYNTHETIC local_budgets.csv: three adopted totals of one ayil aimak, 2024-2026,
    growing 10 % a year, and a medium-term projection that must not count."""
    folder = tmp_path / "budgets"
    folder.mkdir()
    head = "level,entity,soate,oblast,rayon,period,stage,item,value,unit,source_url,note\n"
    rows = [f"ayil_aimak,X,{code},T,T,{y},approved (synthetic),total_revenue,{v},"
            "thousand KGS,synthetic (test),\n"
            for y, v in ((2024, 1000.0), (2025, 1100.0), (2026, 1210.0))]
    rows.append(f"ayil_aimak,X,{code},T,T,2023,medium-term projection,total_revenue,9999,"
                "thousand KGS,synthetic (test),\n")
    (folder / "local_budgets.csv").write_text(head + "".join(rows), encoding="utf-8")
    return folder


@pytest.mark.django_db
def test_hearing_budget_page_sets_the_draft_beside_the_trend(client, settings, tmp_path,
                                                             places, users):
    from decimal import Decimal

    from aimak_web.hearings.models import BudgetLine, Hearing

    m = places["a"]
    settings.AIMAK_SHARED_DATA = str(budget_folder(tmp_path, m.code))
    h = Hearing.objects.create(municipality=m, subject="draft_budget", year=2027,
                               title_ru="Проект бюджета на 2027 год", state="announced",
                               notice_date="2026-07-01", meeting_at="2026-07-20T10:00+06:00",
                               meeting_place="Дом культуры")
    # the 2027 draft: 1464.1 thousand som, 10 % above the trend's 1331.0
    BudgetLine.objects.create(hearing=h, position=0, section="revenue", code="1", name_ru="Все",
                              amount_3=Decimal("1464.1"), source="synthetic test line")
    client.force_login(users["admin"])
    html = client.get(reverse("hearings:budget", args=[h.pk])).content.decode()
    part = html.split('data-testid="budget-trend-total"')[1].split("</p>")[0]
    assert "на 10,0 % выше тренда" in part and "1\u202f331,0" in part
    assert "prov-modelled" in html.split('data-testid="budget-trend"')[1]
    settings.AIMAK_SHARED_DATA = str(tmp_path / "nowhere")
    html = client.get(reverse("hearings:budget", args=[h.pk])).content.decode()
    assert 'data-testid="budget-trend-none"' in html and "Слишком мало лет" in html
