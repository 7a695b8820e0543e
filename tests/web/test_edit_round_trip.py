"""Every edit form round-trips in ru, ky and en: what a browser submits back from the form as
served saves the same object (issue 22: the hearing form in ru and ky wrote its dates as
``07.12.2026`` into ``<input type="date">``, which a browser shows empty and submits empty, so
Save erased the notice date and the comment period).

The oracle is the HTML standard, not the forms' code: lxml's ``form_values`` gives what the form
submits as served, and each input's value goes through the value sanitization a browser applies
(a date input keeps only ``YYYY-MM-DD``, a datetime-local input ``YYYY-MM-DDTHH:MM[:SS]``, a
number input only a floating-point number; anything else is submitted empty).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import lxml.html
import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.translation import override

from .perm_contests import make_edition
from .test_hearings import _at, _on, make_hearing
from .test_practices import form_data

#: HTML's value sanitization of the input types whose values are language-sensitive.
SANITIZE = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"),
    "number": re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"),
}
LANGS = ("ru", "ky", "en")


def browser_submits(html: str, action: str) -> dict[str, list[str]]:
    """The fields the form posting to ``action`` submits, as a browser sends them."""
    doc = lxml.html.fromstring(html)
    forms = [f for f in doc.forms if (f.get("action") or "") in ("", action)
             and f.get("method", "get").lower() == "post"]
    assert forms, f"no form posting to {action}"
    form = max(forms, key=lambda f: len(f.inputs))
    types = {i.name: (i.get("type") or "text").lower() for i in form.inputs
             if i.tag == "input" and i.name}
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        rule = SANITIZE.get(types.get(name, ""))
        if rule is not None and not rule.fullmatch(value):
            value = ""
        data.setdefault(name, []).append(value)
    return data


def test_the_oracle_submits_what_a_browser_submits():
    """A ru-formatted date or number is submitted empty (the bug this file guards against)."""
    html = ('<form method="post" action="/x/"><input type="date" name="d" value="07.12.2026">'
            '<input type="date" name="e" value="2026-12-07"><input type="number" name="n" '
            'value="1 200,5"><input type="datetime-local" name="t" value="2026-07-20T10:00">'
            '<select name="s"><option value="a">A</option><option value="b" selected>B</option>'
            '</select><input type="checkbox" name="c" value="on"><textarea name="x">т</textarea>'
            '</form>')
    assert browser_submits(html, "/x/") == {"d": [""], "e": ["2026-12-07"], "n": [""],
                                            "t": ["2026-07-20T10:00"], "s": ["b"], "x": ["т"]}


def round_trip(client, lang: str, url: str) -> None:
    prefix = "" if lang == "ru" else f"/{lang}"
    r = client.get(prefix + url)
    assert r.status_code == 200
    r = client.post(prefix + url, browser_submits(r.content.decode(), prefix + url))
    assert r.status_code == 302, "the form as served was refused"


def _url(name: str, *args) -> str:
    with override("ru"):  # the unprefixed path
        return reverse(name, args=args)


def _same(before: dict, obj, skip=()) -> None:
    obj.refresh_from_db()
    after = model_to_dict(obj)
    changed = {k: (before[k], after[k]) for k in before if k not in skip
               and before[k] != after[k]}
    assert changed == {}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_hearing_edit_form_round_trips(client, places, users, lang):
    h = make_hearing(places["a"], title_ky="Бюджет 2027 (тест)", notice_ky="Кулактандыруу",
                     notice_ru="Объявление", chair="Осмонов А.", secretary="Ибраимова Б.",
                     budget_scale=1000, budget_kind="draft", comments_from=date(2026, 7, 2),
                     meeting_at=_at(2026, 7, 20, 15))
    before = model_to_dict(h)
    client.force_login(users["municipal_staff"])
    with _on(2026, 6, 20):  # a draft, before its notice date
        round_trip(client, lang, _url("hearings:edit", h.pk))
    _same(before, h)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_contest_edition_form_round_trips(client, users, lang):
    ed = make_edition(2031, users["admin"], state="setup")
    before = model_to_dict(ed)
    client.force_login(users["admin"])
    round_trip(client, lang, _url("contests:edition_edit", ed.year))
    _same(before, ed)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_practice_form_round_trips(client, places, users, lang):
    from aimak_web.practices.models import Practice

    client.force_login(users["citizen"])
    data = form_data(munis=[places["a"]], title_ky="Жаңы түтүктөр", cost_som="1200000")
    assert client.post(_url("practices:create"), data).status_code == 302
    p = Practice.objects.get()
    before = model_to_dict(p)
    evidence = list(p.evidence.values_list("label", "value", "unit", "source"))
    round_trip(client, lang, _url("practices:edit", p.pk))
    _same(before, p)
    assert list(p.evidence.values_list("label", "value", "unit", "source")) == evidence


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_hearing_meeting_and_answer_forms_round_trip(client, places, users, lang):
    from aimak_web.hearings.models import Proposal, State
    from aimak_web.hearings.services import answer_proposal

    h = make_hearing(places["a"], state=State.OPEN, chair="Осмонов А.",
                     secretary="Ибраимова Б.", attendance_women=437, attendance_men=800,
                     attendance_under_30=300, attendance_30_59=700,
                     attendance_60_plus=237, decisions_ru="Решение 1", decisions_ky="Чечим 1")
    p = Proposal.objects.create(hearing=h, author=users["citizen"], title="Фонари",
                                text="Поставить фонари")
    client.force_login(users["municipal_staff"])
    with _on(2026, 7, 20, 12):
        answer_proposal(p, users["municipal_staff"], "partly",
                        "Фонари на улице Ленина включены в проект бюджета на 2027 год.",
                        amount=Decimal("1250.5"))
        before, answer = model_to_dict(h), model_to_dict(p.answer)
        round_trip(client, lang, _url("hearings:meeting", h.pk))
        round_trip(client, lang, _url("hearings:answer", p.pk))
    _same(before, h)
    _same(answer, p.answer, skip=("published_at",))


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_journal_article_form_round_trips(client, users, lang):
    from aimak_web.journal.models import Article
    from aimak_web.practices.models import Theme
    from aimak_web.practices.themes import ensure_themes

    ensure_themes()
    client.force_login(users["citizen"])
    r = client.post(_url("journal:article_new", "legislation"), {
        "theme": Theme.objects.get(code="services").pk, "title_ru": "Изменения в закон о МСУ",
        "title_ky": "ЖӨБ мыйзамына өзгөртүүлөр", "body_ru": "Текст.", "act_number": "12",
        "act_date": "2026-01-20", "source_url": "https://cbd.minjust.gov.kg/1"})
    assert r.status_code == 302
    a = Article.objects.get()
    before = model_to_dict(a)
    round_trip(client, lang, _url("journal:article_edit", a.pk))
    _same(before, a)
