"""Every module and each role's desk are linked from the home page and every page's header,
with breadcrumbs, and a "what can I do here" block per role (issue 29: before, the civic modules
were reachable only by typing their address)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from aimak_web.contests.models import JuryMember

from .perm_contests import make_edition

MODULES = {"places", "hearings", "contests", "practices", "journal", "portraits", "territory",
           "forecasts"}
DESK = {
    "anonymous": set(),
    "citizen": {"me", "my_practices", "journal_desk"},
    "municipal_staff": {"me", "my_hearings", "residents", "my_practices", "my_application",
                        "journal_desk"},
    "jury": {"me", "jury_desk", "journal_desk"},
    "moderator": {"me", "hearing_moderation", "practice_moderation", "journal_desk",
                  "journal_office"},
    "admin": {"me", "hearing_moderation", "practice_moderation", "audit", "journal_desk",
              "journal_office"},
}


def _edition(users):
    ed = make_edition(2027, users["admin"])
    JuryMember.objects.create(edition=ed, user=users["jury"])
    return ed


def _keys(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf'data-testid="{prefix}-([a-z_]+)"', html))


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "ky"])
@pytest.mark.parametrize("role", sorted(DESK))
def test_home_links_every_module_and_the_roles_desk(places, users, role, lang):
    _edition(users)
    c = Client()
    if role != "anonymous":
        c.force_login(users[role])
    html = c.get("/" if lang == "ru" else f"/{lang}/").content.decode()
    assert _keys(html, "nav") == MODULES  # the header
    assert _keys(html, "desk") == DESK[role]
    home = _keys(html, "home")
    assert home == MODULES | DESK[role]  # the "what can I do here" block
    assert 'data-testid="what-can-i-do"' in html
    # every link answers (no dead end) for this role
    hrefs = re.findall(r'<a href="([^"]+)" data-testid="home-', html)
    assert len(hrefs) == len(home)
    for href in hrefs:
        assert c.get(href.replace("&amp;", "&")).status_code == 200, href
    with translation.override(lang):
        if role == "jury":
            assert f'href="{reverse("contests:jury", args=[2027])}"' in html
        if role == "municipal_staff":
            assert f'href="{reverse("hearings:index")}?m={places["a"].code}"' in html


@pytest.mark.django_db
def test_a_page_has_one_trail_of_breadcrumbs(places, users):
    """A page deeper than its module's index shows one trail, Home › module › its own parents,
    not the module's trail and then a second trail of its own."""
    from aimak_web.hearings.models import Hearing, State

    h = Hearing.objects.create(municipality=places["a"], title_ru="Проект бюджета",
                               title_ky="Бюджеттин долбоору", year=2027,
                               state=State.OPEN)
    c = Client()
    for url, parents in ((f"/ky/hearings/{h.pk}/", [places["a"].get_absolute_url()]),
                         (f"/ky/hearings/{h.pk}/budget/", [f"/ky/hearings/{h.pk}/"]),
                         (f"/ky/places/m/{places['a'].code}/",
                          [places["a"].rayon.get_absolute_url()])):
        html = c.get(url).content.decode()
        assert html.count('class="crumbs"') == 0, url
        trails = re.findall(r'data-testid="breadcrumbs">(.*?)</nav>', html, re.S)
        assert len(trails) == 1, url
        for href in parents:
            assert f'href="{href}"' in trails[0] or f'href="/ky{href}"' in trails[0], (url, href)


@pytest.mark.django_db
def test_breadcrumbs_lead_back_to_home_and_module(places, users):
    c = Client()
    html = c.get(f"/ky/places/m/{places['a'].code}/").content.decode()
    crumbs = re.search(r'data-testid="breadcrumbs">(.*?)</nav>', html).group(1)
    assert 'href="/ky/"' in crumbs and 'href="/ky/places/"' in crumbs
    assert "Башкы" in crumbs  # Kyrgyz
    # a module's own index has no crumb to itself
    assert 'data-testid="breadcrumbs"' not in c.get("/ky/places/").content.decode()


@pytest.mark.django_db
def test_homonymous_municipalities_in_the_sign_up_list_say_their_rayon(places):
    """Two «Жаңы-Жол» in the list could not be told apart (issue 29)."""
    from aimak_web.places.models import Municipality

    a = places["a"]
    Municipality.objects.create(code="T2000000000009", name_ru=a.name_ru, name_ky=a.name_ky,
                                name_en=a.name_en, kind="ayil_aimak", rayon=places["rayons"][1])
    html = Client().get("/ky/accounts/signup/").content.decode()
    assert "Жаңы-Жол (Биринчи)" in html and "Жаңы-Жол (Экинчи)" in html
    assert "Көк-Алма (" not in html  # a name of its own needs no rayon


@pytest.mark.django_db
def test_the_sign_up_list_is_in_the_readers_alphabetical_order(places):
    """The list showed Kyrgyz names in the order of the Russian ones: «Биринчи Май»
    (Первомайский) came between «Өрүктү» and «Сайдыкум», out of reach of a reader looking under
    «Б». Kyrgyz order puts Ң after Н, Ө after О and Ү after У."""
    from aimak_web.places.models import Municipality

    rayon = places["rayons"][0]
    for i, (ru, ky) in enumerate([("Первомайский", "Биринчи Май"), ("Оруктуу", "Өрүктү"),
                                  ("Учтерек", "Үч-Терек"), ("Уч-Коргон", "Ура"),
                                  ("Ордо", "Ордо")]):
        Municipality.objects.create(code=f"T30000000000{i:02d}", name_ru=ru, name_ky=ky,
                                    name_en=ru, kind="ayil_aimak", rayon=rayon)
    for lang, path in (("ky", "/ky/accounts/signup/"), ("ru", "/accounts/signup/")):
        html = Client().get(path).content.decode()
        select = html.split('name="municipality"', 1)[1].split("</select>", 1)[0]
        shown = [re.sub(r"\s*\(.*\)$", "", o) for o in
                 re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)]
        assert len(shown) >= 5
        if lang == "ky":
            assert shown.index("Биринчи Май") < shown.index("Ордо") < shown.index("Өрүктү") \
                < shown.index("Ура") < shown.index("Үч-Терек")
        else:
            assert shown.index("Ордо") < shown.index("Оруктуу") < shown.index("Первомайский") \
                < shown.index("Уч-Коргон") < shown.index("Учтерек")


@pytest.mark.django_db
def test_one_desk_link_is_current_on_a_desk_page(places, users):
    """The residents list (an `accounts` page, as "My account" is) marked both desk links as the
    current page and put "My account" in its breadcrumbs; the link of the page itself wins."""
    c = Client()
    c.force_login(users["municipal_staff"])
    html = c.get("/ky/accounts/residents/").content.decode()
    current = re.findall(r'data-testid="desk-([a-z_]+)" aria-current="true"', html)
    assert current == ["residents"]
    crumbs = re.search(r'data-testid="breadcrumbs">(.*?)</nav>', html, re.S)
    assert crumbs is None or "/ky/accounts/me/" not in crumbs.group(1)
    html = c.get("/ky/accounts/me/").content.decode()
    assert re.findall(r'data-testid="desk-([a-z_]+)" aria-current="true"', html) == ["me"]
