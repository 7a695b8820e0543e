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


def test_a_reader_who_looked_just_before_the_page_was_stored_does_not_render_it_again(
        settings, monkeypatch):
    """The late reader finds the cache empty, then the renderer stores the page and steps
    aside before the late reader claims the rendering: it must serve the stored page (before,
    it rendered a second time; readers arriving together could do so by chance)."""
    from django.core.cache.backends.locmem import LocMemCache

    settings.AIMAK_LIVE_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    calls: list[int] = []
    rendering, looked, stored = threading.Event(), threading.Event(), threading.Event()

    @public_page(seconds="AIMAK_LIVE_PAGE_CACHE_SECONDS")
    def view(request):
        calls.append(1)
        rendering.set()
        looked.wait(10)
        return HttpResponse(f"rendering {len(calls)}")

    real_get = LocMemCache.get

    def get(self, key, *args, **kwargs):
        value = real_get(self, key, *args, **kwargs)
        if threading.current_thread().name == "late":
            looked.set()
            stored.wait(10)  # the first look pauses here until the page is stored
        return value

    monkeypatch.setattr(LocMemCache, "get", get)
    answers: dict[str, bytes] = {}

    def read(name):
        request = RequestFactory().get("/hearings/2/")
        request.user = AnonymousUser()
        answers[name] = view(request).content
        if name == "first":
            stored.set()

    first = threading.Thread(target=read, args=("first",), name="first")
    first.start()
    assert rendering.wait(10)
    late = threading.Thread(target=read, args=("late",), name="late")
    late.start()
    first.join(20)
    late.join(20)
    assert answers == {"first": b"rendering 1", "late": b"rendering 1"}
    assert len(calls) == 1
