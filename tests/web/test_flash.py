"""A message made by one request and shown by the next speaks the language of the page that
shows it (issue 25/29: phone_confirm's "no phone" made in Kyrgyz stood on the next, English page).
"""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from .language import problems


@pytest.mark.django_db
def test_a_message_speaks_the_language_of_the_page_that_shows_it(client, users):
    citizen = users["citizen"]
    citizen.phone = ""
    citizen.save(update_fields=["phone"])
    client.force_login(citizen)
    with translation.override("ky"):
        url = reverse("accounts:phone_confirm")
    r = client.get(url)  # the redirect is not followed: the message waits in the session
    assert r.status_code == 302 and url.startswith("/ky/")
    html = client.get("/en/").content.decode()
    assert "Your account has no phone number." in html
    assert problems(html, "en") == []
    client.get(url)
    html = client.get("/").content.decode()
    assert "В вашем аккаунте нет номера телефона." in html
    assert problems(html, "ru") == []


def _request():
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.session.save()
    from django.contrib.messages.storage import default_storage

    request._messages = default_storage(request)
    return request


@pytest.mark.django_db
def test_a_message_in_words_already_made_is_marked_with_their_language():
    """A message added as finished words (not through ``later``) cannot be translated again; it
    is shown marked with the language it was written in, so the page stays honest to readers
    and screen readers."""
    request = _request()
    with translation.override("ky"):
        messages.info(request, translation.gettext("Phone confirmed."))
    response = HttpResponse()
    request._messages.update(response)
    next_request = _request()
    next_request.session = request.session
    next_request.COOKIES = {k: v.value for k, v in response.cookies.items()}
    from django.contrib.messages.storage import default_storage

    next_request._messages = default_storage(next_request)
    with translation.override("en"):
        shown = [(str(m), getattr(m, "lang", None)) for m in get_messages(next_request)]
    assert shown == [("Телефон ырасталды.", "ky")]
