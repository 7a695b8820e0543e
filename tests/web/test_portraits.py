"""Rayon portraits (issue 24): a page and a PDF per rayon, composed from the municipalities
(population with its source), hearings held (attendance, women's share from the minutes),
published contest results, practices and merger scenarios; linked from the directory."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from aimak_web.portraits import services

from .perm_practices import make_practice


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def _hearing(muni, women, men):
    from aimak_web.hearings.models import Hearing

    return Hearing.objects.create(municipality=muni, subject="budget", year=2025,
                                  title_ru="Бюджет на 2026 год", state="closed",
                                  attendance_women=women, attendance_men=men)


@pytest.mark.django_db
def test_portrait_composes_what_the_platform_knows(client, places, users):
    r1 = places["rayons"][0]
    _hearing(places["a"], 30, 50)
    _hearing(places["b"], 12, 8)
    _hearing(places["c"], 99, 1)  # another rayon: not counted
    p = make_practice(users["citizen"], "published", munis=[places["b"]],
                      title_ru="Новая скважина")
    portrait = services.portrait(r1)
    assert [m.code for m in portrait.municipalities] == [places["a"].code, places["b"].code] \
        or {m.code for m in portrait.municipalities} == {places["a"].code, places["b"].code}
    assert portrait.population == 5200 + 3100  # by hand, both "estimated"
    assert portrait.population_sources == ["estimated"]
    assert portrait.attendance == 100 and portrait.women_share == pytest.approx(42 / 100)
    assert [x.pk for x in portrait.practices] == [p.pk]
    html = client.get(reverse("portraits:rayon", args=[r1.code])).content.decode()
    assert 'data-testid="women-share">42%' in html and "Новая скважина" in html
    assert "prov-estimated" in html and "prov-observed" in html
    from .sourced import unsourced

    assert unsourced(html) == []
    # the directory's rayon page links to the portrait
    page = client.get(reverse("places:rayon", args=[r1.code])).content.decode()
    assert reverse("portraits:rayon", args=[r1.code]) in page


@pytest.mark.django_db
def test_every_rayon_has_a_page_and_a_pdf_in_ru_and_ky(client, places):
    import pdfplumber

    from aimak_web.places.models import Rayon

    for rayon in Rayon.objects.all():
        for lang in ("ru", "ky"):
            with translation.override(lang):
                page = reverse("portraits:rayon", args=[rayon.code])
                pdf = reverse("portraits:rayon_pdf", args=[rayon.code])
            r = client.get(page)
            assert r.status_code == 200
            if lang == "ky":
                assert "Райондун" in r.content.decode() or "райондо" in r.content.decode()
            r = client.get(pdf)
            assert r.status_code == 200 and r.content.startswith(b"%PDF")
            with pdfplumber.open(io.BytesIO(r.content)) as doc:
                text = "\n".join(x.extract_text() or "" for x in doc.pages)
            assert rayon.name_ru in text or rayon.name_ky in text
    assert client.get(reverse("portraits:index")).status_code == 200


@pytest.mark.django_db
def test_merger_scenarios_that_touch_the_rayon(places, users):
    from aimak_web.territory.models import Analysis, Scenario

    analysis = Analysis.objects.create(title="t", dataset_path="x", times_path="y",
                                       provenance="straight")
    s = Scenario.objects.create(analysis=analysis, title="Слияние А и Б", criteria="moderate",
                                origin="upload", status="proposed")
    mapping = [{"old_code": places["a"].code, "new_unit": "U1"},
               {"old_code": places["b"].code, "new_unit": "U1"},
               {"old_code": places["c"].code, "new_unit": "U2"}]
    s.add_version(mapping, None, "upload", {})
    draft = Scenario.objects.create(analysis=analysis, title="Черновик", criteria="moderate",
                                    origin="upload", status="draft")
    draft.add_version(mapping, None, "upload", {})
    r1, r2 = places["rayons"]
    assert [x["scenario"].pk for x in services.portrait(r1).scenarios] == [s.pk]
    assert services.portrait(r1).scenarios[0]["municipalities"] == 2
    assert services.portrait(r2).scenarios == []  # U2 keeps Ak-Suu alone


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_portraits_of_the_real_directory_speak_one_language(client, jalal_abad, lang):
    """Every rayon of the real Jalal-Abad directory has a portrait whose population sources
    are said in the reader's language: the crawler found the builder's English reference
    («sum of 18 settlements …», «… cited by http://…») and the raw key «geonames_cities500» on
    /portraits/<code>/ in ru, ky and en; the crawler's checker finds nothing now, and each
    municipality's row names the statistics behind its figures."""
    from django.core.cache import cache

    from aimak_web.places.importer import import_dataset
    from aimak_web.places.models import Rayon

    from .language import problems

    import_dataset(jalal_abad[1])
    cache.clear()
    prefix = "" if lang == "ru" else f"/{lang}"
    found, rayons = [], list(Rayon.objects.filter(municipalities__isnull=False).distinct())
    assert len(rayons) >= 8  # Jalal-Abad's rayons and towns of the directory
    for rayon in rayons:
        with translation.override("ru"):
            path = reverse("portraits:rayon", args=[rayon.code])
        text = client.get(prefix + path).content.decode()
        found += [f"{rayon.code}: {p}" for p in problems(text, lang, set())]
        assert "geonames_cities500" not in text and "cited by" not in text
        assert 'data-testid="population-sources"' in text, rayon.code
    assert found == []


@pytest.mark.django_db
def test_forecast_section_through_the_forecasts_public_function(client, shared_data, settings):
    """The portrait's poverty figures come from ``forecasts.service.rayon_outlook`` (the
    forecasts' public function): the last published rate (official) and the farthest year's
    forecast with its interval (modelled), figures read by hand from the NSC file."""
    from aimak_web.forecasts.service import rayon_outlook
    from aimak_web.places.models import Oblast, Rayon

    from .sourced import unsourced

    settings.AIMAK_SHARED_DATA = str(shared_data)
    ob = Oblast.objects.create(code="41703000000000", name_ru="Джалал-Абадская область",
                               name_ky="Жалал-Абад облусу", name_en="Jalal-Abad")
    aksy = Rayon.objects.create(code="41703211000000", name_ru="Аксыйский район",
                                name_ky="Аксы району", name_en="Aksy", oblast=ob)
    # by hand from rayon_poverty_2011_2020.csv: Aksy's last row is 2020, 32 % (2019 missing)
    out = rayon_outlook(aksy.code)
    assert out["entity"] == "Aksy" and out["last"] == {"year": 2020, "value": 32.0}
    f = out["forecast"]
    assert f["year"] > out["last"]["year"] and f["lower"] <= f["value"] <= f["upper"]
    assert rayon_outlook("41799999000000") is None
    p = services.portrait(aksy)
    assert p.forecast == out
    html = client.get(reverse("portraits:rayon", args=[aksy.code])).content.decode()
    assert 'data-testid="poverty-forecast"' in html and unsourced(html) == []
    assert reverse("forecasts:rayon", args=["Aksy"]) in html
    # the sources are a block of their own (.ref), so nothing may follow them on its own line
    # (before: a lone «.» under the sources)
    note = re.search(r'<p class="note">[^<]*<span class="ref">.*?</p>', html, re.S).group(0)
    assert not re.search(r"</span>\s*\.", note), note


@pytest.mark.django_db
def test_the_portrait_pdf_says_a_figures_status_once(client, jalal_abad):
    """Failed before the fix: Nooken rayon's PDF read «оценка оценка: доля официальной
    численности айыл аймака»: the status badge, then source sentences that begin with it."""
    import pdfplumber
    from django.core.cache import cache

    from aimak_web.places.importer import import_dataset

    import_dataset(jalal_abad[1])
    cache.clear()
    for lang, word, sources in (("ru", "оценка", "Источники: оценка:"),
                                ("ky", "баалоо", "Булактар: баалоо:"),
                                ("en", "estimated", "Sources: estimated:")):
        with translation.override(lang):
            url = reverse("portraits:rayon_pdf", args=["41703215000000"])  # Nooken
        r = client.get(url)
        with pdfplumber.open(io.BytesIO(r.content)) as doc:
            text = " ".join(" ".join((x.extract_text() or "").split()) for x in doc.pages)
        assert f"{word} {word}" not in text, lang
        assert sources in text, lang
