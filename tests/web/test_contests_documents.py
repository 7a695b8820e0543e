"""Certificates and the scores workbook as their readers read them: the example mark, Kyrgyz
dates and numbers in Kyrgyz grammar, headers in the organiser's language, local times."""

from __future__ import annotations

import io
from datetime import date, datetime

import pypdfium2
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aimak_web.contests.models import Edition

from .test_contests_rules import BISHKEK, JuryMember, applied, at, edition, sheet


@pytest.fixture
def published(client, users, places):
    """An example edition, results approved on 10.02.2027: a wins with (2*4 + 5)/3 = 4.33,
    b second with 3.00; one score given at 09:30 Bishkek time on 15 January."""
    ed = edition(users["admin"], Edition.State.JURY)
    ed.is_example = True
    ed.save()
    a = applied(ed, places["a"], users["municipal_staff"], 1)
    b = applied(ed, places["b"], users["other_staff"], 2)
    JuryMember.objects.create(edition=ed, user=users["jury"])
    with at(date(2027, 1, 15), client, users["jury"]):
        client.post(reverse("contests:jury_application", args=[ed.year, a.code]),
                    sheet(ed, scores=(4, 5)))
        client.post(reverse("contests:jury_application", args=[ed.year, b.code]),
                    sheet(ed, scores=(3, 3)))
    from aimak_web.contests.models import Score

    Score.objects.filter(application=a).update(
        updated_at=datetime(2027, 1, 15, 9, 30, tzinfo=BISHKEK))
    transition = reverse("contests:transition", args=[ed.year])
    with at(date(2027, 2, 1), client, users["admin"]):
        client.post(transition, {"action": "close"})
    with at(date(2027, 2, 10), client, users["admin"]):
        client.post(transition, {"action": "approve"})
    ed.refresh_from_db()
    assert ed.state == Edition.State.PUBLISHED
    return ed, a, b


def _text(pdf: bytes) -> str:
    return pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range().replace("\r\n", " ")


@pytest.mark.django_db
def test_certificates_of_an_example_in_kyrgyz_grammar(client, published):
    ed, a, _b = published
    ky = _text(client.get(reverse("contests:certificate", args=[ed.year, a.code, "ky"]))
               .content)
    assert "МИСАЛ" in ky  # the example mark
    assert "2027-ж., 10-февралда" in ky and "Февраль 2027" not in ky  # Babel, on the day
    assert "5 баллдан 4,33 балл" in ky and "5тен" not in ky and "4.33" not in ky
    ru = _text(client.get(reverse("contests:certificate", args=[ed.year, a.code, "ru"]))
               .content)
    assert "ПРИМЕР" in ru and "10 февраля 2027" in ru and "4,33" in ru


@pytest.mark.django_db
def test_scores_workbook_in_the_organisers_language_and_local_time(client, users, published):
    ed, a, _b = published
    client.force_login(users["admin"])
    for lang, header, sheet_name in (("", "Код", "Оценки"), ("/ky", "Коду", "Баалар")):
        r = client.get(lang + reverse("contests:export", args=[ed.year]))
        wb = load_workbook(io.BytesIO(r.content))
        assert wb.sheetnames[0] == sheet_name
        ws = wb[sheet_name]
        assert ws.cell(1, 1).value == header and "code" not in [c.value for c in ws[1]]
        times = [row[-1].value for row in ws.iter_rows(min_row=2)
                 if row[0].value == a.code]
        assert datetime(2027, 1, 15, 9, 30) in times  # Bishkek time, not 03:30 UTC
        assert "Asia/Bishkek" in str(ws.cell(1, ws.max_column).value) or any(
            "Бишкек" in str(c.value) for c in ws[1])


@pytest.mark.django_db
def test_edition_dates_in_kyrgyz_grammar(client, published):
    """The edition's windows as each language writes a date (Babel): never «10 Февраль 2027»."""
    ed, _a, _b = published
    url = reverse("contests:edition", args=[ed.year])
    ky = client.get("/ky" + url).content.decode()
    assert "2027-ж., 10-февраль" in ky and "10 Февраль 2027" not in ky
    assert "2026-ж., 1-декабрь – 2026-ж., 31-декабрь" in ky
    ru = client.get(url).content.decode()
    assert "10 февраля 2027" in ru
