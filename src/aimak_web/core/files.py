"""Uploaded files: who may read which, and one way of sending them.

Every uploaded file lives in ``MEDIA_ROOT`` and is sent by the application, with DEBUG on or off
alike: ``/media/<path>`` answers only for paths an app has claimed with :func:`register` and only
to people its check lets in (published practice photos: everyone; a draft's: its authors and
moderators). Unclaimed paths (sign-in sheets, hearing drafts, contest evidence, residents lists)
answer 404 there; they are sent only by their own views, which check permission and call
:func:`send_file`.

Sending: ``FileResponse`` (gunicorn hands it to ``sendfile``), the content type from the file
name, ``Content-Disposition`` inline for what a browser shows (images, PDF) and as a download for
the rest; ``nosniff`` is set for every response by the security middleware. With
``AIMAK_MEDIA_ACCEL=/protected-media/`` the application only checks and answers with
``X-Accel-Redirect``, and nginx sends the bytes (``docs/deploy.md``).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils import translation

from .exports import attachment

#: a check: (request, path inside MEDIA_ROOT) -> PUBLIC (anyone may read it), PRIVATE (this
#: person may), False (this person may not), or None (not a file of this check)
Check = Callable[[object, str], str | bool | None]
PUBLIC, PRIVATE = "public", "private"
_checks: list[tuple[str, Check]] = []

#: shown in the browser; everything else is downloaded
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}


def register(prefix: str, check: Check) -> None:
    """Claim the files under ``prefix`` (e.g. ``practices/``) for ``/media/`` with ``check``."""
    entry = (prefix, check)
    if entry not in _checks:
        _checks.append(entry)


def _clean(path: str) -> str:
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or any(p.startswith(".") for p in parts):
        raise Http404
    return "/".join(parts)


def content_type(name: str) -> str:
    kind, _ = mimetypes.guess_type(name)
    return kind or "application/octet-stream"


def send_file(name: str, filename: str | None = None, *, inline: bool | None = None
              ) -> HttpResponse:
    """The stored file ``name`` (a path in the default storage) as a response: its content type,
    ``Content-Disposition`` with ``filename`` (default: the stored name), inline for images and
    PDF unless ``inline`` says otherwise."""
    if not name or not default_storage.exists(name):
        raise Http404
    filename = filename or PurePosixPath(name).name
    kind = content_type(filename)
    if inline is None:
        inline = kind in INLINE_TYPES
    accel = getattr(settings, "AIMAK_MEDIA_ACCEL", "")
    if accel:
        response = HttpResponse(content_type=kind)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + name
    else:
        response = FileResponse(default_storage.open(name, "rb"), content_type=kind)
    return attachment(response, filename, inline=inline)


def media(request, path: str) -> HttpResponse:
    """``/media/<path>``: a file an app has claimed, to those its check lets in."""
    path = _clean(path)
    for prefix, check in _checks:
        if path.startswith(prefix):
            allowed = check(request, path)
            if allowed is None:
                continue
            if not allowed:
                # /media/ has no language prefix: say it in the browser's language
                translation.activate(translation.get_language_from_request(request))
                raise PermissionDenied
            response = send_file(path)
            # public files may be kept by browsers and proxies; private ones not
            response["Cache-Control"] = ("public, max-age=86400" if allowed == PUBLIC
                                         else "private, no-store")
            return response
    raise Http404
