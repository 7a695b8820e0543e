"""Content written in Russian and Kyrgyz is shown in the reader's language, fallback marked."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from aimak_web.core.text import localized


def test_localized_picks_reader_language_and_falls_back():
    both = SimpleNamespace(notice_ru="Объявление", notice_ky="Жарыя")
    only_ru = SimpleNamespace(notice_ru="Объявление", notice_ky="")
    only_ky = SimpleNamespace(notice_ru=" ", notice_ky="Жарыя")
    with translation.override("ky"):
        assert localized(both, "notice") == ("Жарыя", "ky")
        assert localized(only_ru, "notice") == ("Объявление", "ru")
    with translation.override("ru"):
        assert localized(only_ky, "notice") == ("Жарыя", "ky")
    with translation.override("en"):  # English readers get Russian first
        assert localized(both, "notice") == ("Объявление", "ru")


def test_tr_tag_marks_a_fallback():
    obj = SimpleNamespace(notice_ru="Объявление", notice_ky="")
    tpl = Template('{% load aimak %}{% tr obj "notice" %}')
    with translation.override("ky"):
        html = tpl.render(Context({"obj": obj}))
    assert 'lang="ru"' in html and 'class="fallback"' in html
    with translation.override("ru"):
        assert 'class="fallback"' not in tpl.render(Context({"obj": obj}))


def test_numbers_and_units_follow_the_reader():
    """Kyrgyz writes numbers as Russian (decimal comma, thin-space thousands); units translated.
    Before, a Kyrgyz page wrote "22300.5" and "km²" where a Russian one wrote "22300,5"."""
    from aimak_web.core.text import number, quantity

    thin = "\u202f"
    with translation.override("ky"):
        assert number(22300.5, 1) == f"22{thin}300,5"
        assert quantity(28890.5, "thousand KGS", 1) == f"28{thin}890,5{thin}миң сом"
        assert quantity(92.4, "km²") == f"92{thin}км²"
        # Django's own formatting of a float on a Kyrgyz page: a comma too
        assert Template("{{ x }}|{{ x|floatformat:1 }}").render(Context({"x": 36.0})) == \
            "36,0|36,0"
    with translation.override("ru"):
        assert number(1234567.891, 2) == f"1{thin}234{thin}567,89"
        assert quantity(28890.5, "thousand KGS", 1) == f"28{thin}890,5{thin}тыс. сом"
        assert Template("{% load aimak %}{{ a|km2 }} {{ p|people }} {{ n|num:1 }}").render(
            Context({"a": 92.0, "p": 5200.4, "n": None})) == f"92{thin}км² 5{thin}200 —"
    with translation.override("en"):
        assert number(22300.5, 1) == "22,300.5"
        assert quantity(92, "km²") == f"92{thin}km²"


def test_a_localized_title_is_plain_text_in_the_window_title(rf):
    """``{% tr %}`` marks its language with a ``<span>``; in ``<title>`` (which holds no markup)
    the span must go, not be shown escaped. Before, a hearing's tab read
    ``<span lang="ky">…</span> · aimak``."""
    from django.contrib.auth.models import AnonymousUser
    from django.template import engines

    obj = SimpleNamespace(title_ru="Бюджет", title_ky="Бюджет 2023")
    tpl = engines["django"].from_string(
        '{% extends "base.html" %}{% load aimak %}{% block title %}{% tr obj "title" %}'
        '{% endblock %}')
    request = rf.get("/ky/")
    request.user = AnonymousUser()
    with translation.override("ky"):
        html = tpl.render({"obj": obj}, request)
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "Бюджет 2023 · aimak"


def test_the_hearing_forms_labels_begin_with_a_capital():
    """A ModelForm capitalises the labels it takes from the model, not those a form sets
    itself: the new-hearing form read «онлайн сессиянын шилтемеси:» and the proposal form
    «сумма, миң сом:» among capitalised labels (walk on a phone in Kyrgyz, issue 29)."""
    from aimak_web.hearings.forms import AnswerForm, HearingForm, ModerationForm, ProposalForm
    from aimak_web.hearings.models import Hearing

    hearing = Hearing(pk=1)  # unsaved: the forms only build lazy querysets from it
    with translation.override("ky"):
        forms = [HearingForm(), ProposalForm(hearing=hearing, paper=True), ModerationForm(),
                 AnswerForm(hearing=hearing)]
        labels = [str(f.label) for form in forms for f in form.fields.values() if f.label]
    assert len(labels) > 20
    assert [label for label in labels if label[0].islower()] == []


def test_a_budget_lines_long_source_address_is_shortened_on_the_page():
    """A source given as a web address became its link's text in full: the demo hearing's
    address (a Kyrgyz title, percent-encoded) ran to 20 lines in the phone's source column."""
    from django.template.loader import render_to_string

    url = ("https://akyikat.info/b%D2%AFrg%D3%A9nd%D2%AF-ayil-%D3%A9km%D3%A9t%D2%AFn%D2%AFn-"
           "2023-zhildin-zhergilikt%D2%AF%D2%AF-byudzheti-134")
    line = SimpleNamespace(provenance="staff", source=f"Решение совета, {url}")
    with translation.override("ky"):
        html = render_to_string("hearings/_line_source.html", {"line": line})
    link_text = html.split(f'href="{url}"', 1)[1].split(">", 1)[1].split("</a>", 1)[0]
    assert len(link_text) <= 40
    assert "Решение совета" in html


@pytest.mark.parametrize("lang,says", [
    ("ru", "официальный документ: решение кенеша № 8 от 16.02.2023"),
    ("ky", "расмий документ: кеңештин 16.02.2023 №8 чечими"),
    ("en", "official document: council resolution No. 8 of 16.02.2023"),
])
def test_a_budget_lines_resolution_source_reads_as_a_sentence(lang, says):
    """Failed before the fix: the status badge, an adjective, was prefixed to the document's
    title: «официальный решение кенеша № 8 от 16.02.2023»."""
    import re
    from datetime import date

    from django.template.loader import render_to_string

    line = SimpleNamespace(provenance="resolution", resolution_number="8",
                           resolution_date=date(2023, 2, 16), source="")
    with translation.override(lang):
        html = render_to_string("hearings/_line_source.html", {"line": line})
    assert says in " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" :", ":")
    assert "prov-official" in html
