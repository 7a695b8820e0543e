"""Content written in Russian and Kyrgyz is shown in the reader's language, fallback marked."""

from __future__ import annotations

from types import SimpleNamespace

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
