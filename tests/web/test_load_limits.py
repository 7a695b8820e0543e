"""Anonymous visitors cannot exhaust the server (finding 4): generated documents are cached by
content, anonymous document and API requests are limited, API pages are capped."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.urls import reverse


@pytest.fixture
def hearing_ctx(places, users):
    from . import perm_hearings

    ctx = {"places": places, "users": users}
    perm_hearings.setup(ctx)
    caches["default"].clear()
    return ctx


@pytest.fixture
def renders(monkeypatch):
    """How many times WeasyPrint typesets a PDF."""
    import weasyprint

    count = {"n": 0}
    original = weasyprint.HTML.write_pdf

    def counting(self, *args, **kwargs):
        count["n"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)
    return count


@pytest.mark.django_db
def test_notice_pdf_is_typeset_once_per_content(client, hearing_ctx, renders):
    h = hearing_ctx["open"]
    url = reverse("hearings:notice", args=[h.pk, "ru"])
    first = client.get(url)
    assert client.get(url).content == first.content
    assert renders["n"] == 1
    h.meeting_place = "Айыл өкмөтүнүн залы"
    h.save(update_fields=["meeting_place"])
    changed = client.get(url)
    assert renders["n"] == 2 and changed.content != first.content  # new content, new PDF


@pytest.mark.django_db
def test_minutes_pdf_is_typeset_once_per_content(client, hearing_ctx, renders):
    url = reverse("hearings:minutes", args=[hearing_ctx["held"].pk, "ky"])
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert renders["n"] == 1


@pytest.mark.django_db
def test_anonymous_document_requests_are_limited(client, hearing_ctx, settings, users,
                                                 one_rate_window):
    settings.RATELIMIT_ENABLE = True
    settings.AIMAK_RATE_DOCUMENT = "5/m"
    url = reverse("hearings:notice", args=[hearing_ctx["open"].pk, "ky"])
    statuses = [client.get(url, REMOTE_ADDR="10.0.8.1").status_code for _ in range(8)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 3
    client.force_login(users["municipal_staff"])  # staff printing notices are not limited
    assert client.get(url, REMOTE_ADDR="10.0.8.1").status_code == 200


@pytest.mark.django_db
def test_anonymous_api_requests_are_throttled(client, places, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    caches["default"].clear()
    url = reverse("api-municipality-list")
    statuses = [client.get(url, REMOTE_ADDR="10.0.9.1").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_api_page_size_is_capped(client, places):
    from aimak_web.places.models import Municipality

    a = places["a"]
    Municipality.objects.bulk_create([
        Municipality(code=f"T9{i:012d}", name_ru=f"М {i}", name_ky=f"М {i}", name_en=f"M {i}",
                     kind=a.kind, rayon=a.rayon, centre_name="x", centre_lat=41.0,
                     centre_lon=72.0, population=10, population_year=2018,
                     population_source="estimated", population_ref="synthetic test place",
                     territory=a.territory, territory_source="approximate", area_km2=1.0)
        for i in range(120)])
    data = client.get(reverse("api-municipality-list"), {"limit": 100000}).json()
    assert data["count"] == 123
    assert len(data["results"]) == 100 and data["next"]
