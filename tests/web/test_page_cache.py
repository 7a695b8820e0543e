"""The public page cache: anonymous readers arriving together cause one rendering, not one each."""

from __future__ import annotations

import threading
import time

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from aimak_web.core.cache import public_page


def test_readers_arriving_together_share_one_rendering(settings):
    settings.AIMAK_LIVE_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    calls = []

    @public_page(seconds="AIMAK_LIVE_PAGE_CACHE_SECONDS")
    def slow(request):
        calls.append(1)
        time.sleep(0.3)  # long enough for every reader to arrive while it renders
        return HttpResponse(f"rendering {len(calls)}")

    answers: list[bytes] = []
    start = threading.Barrier(8)

    def read():
        request = RequestFactory().get("/hearings/1/")
        request.user = AnonymousUser()
        start.wait()
        answers.append(slow(request).content)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert answers == [b"rendering 1"] * 8


def test_nothing_is_cached_when_the_setting_is_zero(settings):
    settings.AIMAK_LIVE_PAGE_CACHE_SECONDS = 0
    caches["pages"].clear()
    calls = []

    @public_page(seconds="AIMAK_LIVE_PAGE_CACHE_SECONDS")
    def view(request):
        calls.append(1)
        return HttpResponse("x")

    for _ in range(3):
        request = RequestFactory().get("/p/")
        request.user = AnonymousUser()
        view(request)
    assert len(calls) == 3
