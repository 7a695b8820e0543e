"""Uploaded files, DEBUG on or off alike: a published practice's photo opens for everyone, a
draft's only for its authors and moderators, and files no app claims for ``/media/`` (sign-in
sheets, contest evidence, hearing drafts) never open there. Before, ``/media/`` was routed only
with DEBUG on, where it served every file, drafts and sign-in sheets included, to anyone."""

from __future__ import annotations

import importlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import clear_url_caches

from .perm_practices import PNG, make_practice


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    """The URLconf loaded under DEBUG off and on (it used to differ)."""
    import aimak_web.urls

    settings.DEBUG = request.param
    importlib.reload(aimak_web.urls)
    clear_url_caches()
    yield request.param
    settings.DEBUG = False
    importlib.reload(aimak_web.urls)
    clear_url_caches()


def _photo(practice) -> str:
    from aimak_web.practices.models import Attachment

    a = Attachment(practice=practice, kind="photo", original_name="фото.png", size=len(PNG))
    a.file.save("photo.png", ContentFile(PNG), save=True)
    return f"/media/{a.file.name}"


@pytest.mark.django_db
def test_public_and_private_files(debug, places, users):
    public = _photo(make_practice(users["municipal_staff"], "published", munis=[places["a"]]))
    draft = _photo(make_practice(users["citizen"], munis=[places["a"]]))
    anonymous = Client()
    r = anonymous.get(public)
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert b"".join(r.streaming_content) == PNG
    assert r["Content-Disposition"].startswith("inline")
    assert "public" in r["Cache-Control"]
    # a draft's photo: 403 (in the reader's language) for others, 200 for its author
    r = anonymous.get(draft, HTTP_ACCEPT_LANGUAGE="ky")
    assert r.status_code == 403 and "Бул барак кирген колдонуучуларга гана ачык" in \
        r.content.decode()
    other = Client()
    other.force_login(users["jury"])
    assert other.get(draft).status_code == 403
    author = Client()
    author.force_login(users["citizen"])
    r = author.get(draft)
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]


@pytest.mark.django_db
def test_unclaimed_private_files_never_open_at_media(debug, places, users):
    name = default_storage.save("hearings/signin/sheet.pdf", ContentFile(b"%PDF-1.4 sheet"))
    evidence = default_storage.save("contests/2027/evidence.pdf", ContentFile(b"%PDF-1.4 x"))
    admin = Client()
    admin.force_login(users["admin"])
    for path in (name, evidence):
        assert Client().get(f"/media/{path}").status_code == 404
        assert admin.get(f"/media/{path}").status_code == 404
    for bad in ("/media/../secret_key", "/media/practices/../../secret_key",
                "/media/.hidden", "/media/practices//x"):
        assert Client().get(bad).status_code == 404


@pytest.mark.django_db
def test_nginx_sends_the_bytes_when_configured(places, users, settings):
    settings.AIMAK_MEDIA_ACCEL = "/protected-media/"
    public = _photo(make_practice(users["municipal_staff"], "published", munis=[places["a"]]))
    r = Client().get(public)
    assert r.status_code == 200 and r.content == b""
    assert r["X-Accel-Redirect"] == "/protected-media/" + public.removeprefix("/media/")
    assert r["Content-Type"] == "image/png"


@pytest.mark.django_db
def test_send_file_sets_type_and_disposition(places):
    from aimak_web.core.files import send_file

    name = default_storage.save("x/list.xlsx", ContentFile(b"PK"))
    r = send_file(name, "Жители.xlsx")
    assert r["Content-Type"] == ("application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")
    assert r["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%D0%96" in r["Content-Disposition"]
