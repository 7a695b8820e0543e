"""Error answers (400, 403, 404, 429, 500) in the reader's language, saying why and where to go,
as a page or as JSON (before: bare English "403 Forbidden", "Not Found" even under /ky/)."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from aimak_web.core import views

LATIN_WORDS = ("Not Found", "Forbidden", "Server Error", "Bad Request")


@pytest.mark.django_db
@pytest.mark.parametrize("lang,word", [("ru", "Страница не найдена"), ("ky", "Барак табылган жок")])
def test_404_in_the_readers_language_with_ways_on(lang, word, places):
    prefix = "" if lang == "ru" else f"/{lang}"
    r = Client().get(f"{prefix}/hearings/999999/")
    html = r.content.decode()
    assert r.status_code == 404
    assert word in html and f'lang="{lang}"' in html
    assert not any(w in html for w in LATIN_WORDS)
    assert 'data-testid="error-home"' in html and f'href="{prefix}/"' in html
    assert 'data-testid="nav-hearings"' in html  # the whole layout: every section is a click away


@pytest.mark.django_db
def test_403_says_why_and_offers_sign_in_or_verification(places, users):
    c = Client()
    url = "/ky/audit/"
    c.force_login(users["citizen"])
    r = c.get(url)
    assert r.status_code == 403
    html = r.content.decode()
    assert "Кирүүгө уруксат жок" in html and "Forbidden" not in html
    # an unverified resident is told how residence is verified
    users["citizen"].residence_verified_at = None
    users["citizen"].save()
    html = c.get(url, HTTP_REFERER="http://testserver/ky/hearings/").content.decode()
    assert 'data-testid="error-verify"' in html
    assert 'href="http://testserver/ky/hearings/"' in html  # back where they came from
    # a referer from elsewhere is not offered
    html = c.get(url, HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in html


def test_403_for_anonymous_offers_sign_in():
    request = RequestFactory().get("/ky/hearings/1/meeting/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override("ky"):
        r = views.permission_denied(request)
    html = r.content.decode()
    assert r.status_code == 403 and 'data-testid="error-signin"' in html
    assert "next=/ky/hearings/1/meeting/" in html


@pytest.mark.django_db
def test_json_requests_get_json_errors_in_their_language(places):
    r = Client().get("/ky/hearings/999999/", HTTP_ACCEPT="application/json")
    assert r.status_code == 404 and json.loads(r.content)["error"].startswith("Мындай барак жок")
    rf = RequestFactory()
    with translation.override("ru"):
        r = views.rate_limited(rf.post("/territory/s/1/move/", HTTP_ACCEPT="application/json"))
    assert r.status_code == 429 and "слишком много запросов" in json.loads(r.content)["error"]
    with translation.override("ky"):
        r = views.rate_limited(rf.get("/ky/territory/"))
    assert r.status_code == 429 and "өтө көп сурам" in r.content.decode()


def test_500_and_400_pages_are_translated():
    rf = RequestFactory()
    with translation.override("ky"):
        r = views.server_error(rf.get("/ky/"))
    assert r.status_code == 500 and "катасы" in r.content.decode()
    assert 'href="/ky/"' in r.content.decode()


@pytest.mark.django_db
def test_400_page(places):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/ky/")
    request.user = AnonymousUser()
    with translation.override("ky"):
        r = views.bad_request(request)
    assert r.status_code == 400 and "Туура эмес сурам" in r.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_a_page_in_the_readers_language(places, users):
    c = Client(enforce_csrf_checks=True)
    r = c.post("/ky/accounts/signin/", {"username": "x", "password": "y"})
    assert r.status_code == 403 and "Форманын мөөнөтү өтүп кеткен" in r.content.decode()
