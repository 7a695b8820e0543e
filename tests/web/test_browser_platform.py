"""The platform in a real browser (Playwright + Debian's Chromium) against a live server."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base, email):
    page.goto(f"{base}/accounts/signin/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=signin-submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("role", ["citizen", "municipal_staff", "jury", "moderator", "admin"])
def test_sign_in_switch_language_open_municipality_sign_out(page, live_server, places, users,
                                                           role):
    base = live_server.url
    user = users[role]
    _sign_in(page, base, user.email)
    assert page.locator("[data-testid=me-link]").inner_text() == user.full_name
    # Russian by default
    assert page.locator("html").get_attribute("lang") == "ru"
    m = places["a"]
    page.goto(f"{base}/places/m/{m.code}/")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    # the territory polygon and both settlements are drawn by Leaflet
    assert page.locator("#map path.leaflet-interactive").count() == 3
    assert "Население" in page.locator("[data-testid=facts]").inner_text()
    # switch to Kyrgyz: the same page, in Kyrgyz
    page.click("[data-testid=lang-ky]")
    page.wait_for_url(f"{base}/ky/places/m/{m.code}/")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    assert page.locator("html").get_attribute("lang") == "ky"
    assert page.locator("[data-testid=municipality-name]").inner_text() == "Жаңы-Жол"
    assert "Калкы" in page.locator("[data-testid=facts]").inner_text()
    page.watch.shot(page, f"platform-municipality-ky-{role}")
    if role == "admin":
        page.goto(f"{base}/ky/audit/")
        assert page.locator("h1").inner_text() == "Аракеттер журналы"
        page.watch.shot(page, "platform-audit-ky")
    page.click("[data-testid=signout]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=signin-link]").count() == 1
    assert page.watch.errors == []
    assert page.watch.outside == []


def test_russian_page_and_search_as_visitor(page, live_server, places):
    base = live_server.url
    page.goto(f"{base}/places/?q=Dzhany-Dzhol")
    results = page.locator("[data-testid=search-results]").inner_text()
    assert "Жаны-Жол айыл аймагы" in results
    page.goto(f"{base}/places/rayon/{places['rayons'][0].code}/")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    assert page.locator("#map path.leaflet-interactive").count() == 2
    page.watch.shot(page, "platform-rayon-ru")
    assert page.watch.errors == [] and page.watch.outside == []
