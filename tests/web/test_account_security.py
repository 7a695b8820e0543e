"""Sign-in lock-out, password reset and sign-up as an attacker tries them (findings 1 and 7).

The lock-out (django-axes) counts failures per account, however the account is typed (an e-mail
in any case, a phone in any spelling), and per address; signing into one's own account does not
clear an address's failures against another. Password resets are limited per address and per
account; sign-up and reset answer the same whether or not an account exists; a phone number
nobody confirmed is released after a while.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD


def _signin(client, username, password, ip):
    return client.post(reverse("accounts:signin"), {"username": username, "password": password},
                       REMOTE_ADDR=ip)


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


# --- finding 1: the lock-out ----------------------------------------------------------------

@pytest.mark.django_db
def test_lockout_counts_the_account_not_how_its_email_is_typed(client, users, lockout):
    for i in range(5):  # each failure from another address: only the account counts them
        _signin(client, "citizen@test.local", "wrong", f"10.0.1.{i}")
    r = _signin(client, "Citizen@TEST.local", PASSWORD, "10.0.1.99")
    assert r.status_code == 429
    assert client.get(reverse("accounts:me")).status_code == 302  # not signed in


@pytest.mark.django_db
def test_lockout_counts_the_account_not_how_its_phone_is_typed(client, users, lockout):
    spellings = ["+996555000001", "0555000001", "0555 000 001", "0 555 00 00 01",
                 "996555000001", "(0555) 000-001"]
    for i, phone in enumerate(spellings * 4):  # 24 failures over 6 spellings
        _signin(client, phone, "wrong", f"10.0.2.{i}")
    r = _signin(client, "+996 555 000 001", PASSWORD, "10.0.2.200")  # a 7th spelling
    assert r.status_code == 429


@pytest.mark.django_db
def test_own_success_does_not_clear_an_address_s_failures_on_another_account(
        client, users, lockout):
    attacker = "10.0.3.7"
    for _ in range(4):
        _signin(client, "jury@test.local", "guess", attacker)
    # the attacker signs into their own account between guesses
    assert _signin(client, "moderator@test.local", PASSWORD, attacker).status_code == 302
    client.post(reverse("accounts:signout"), REMOTE_ADDR=attacker)
    _signin(client, "jury@test.local", "guess", attacker)  # the fifth failure from here
    r = _signin(client, "jury@test.local", PASSWORD, attacker)
    assert r.status_code == 429


@pytest.mark.django_db
def test_the_account_s_own_success_clears_its_own_failures(client, users, lockout):
    for _ in range(3):
        _signin(client, "jury@test.local", "typo", "10.0.4.1")
    assert _signin(client, "jury@test.local", PASSWORD, "10.0.4.1").status_code == 302
    client.post(reverse("accounts:signout"), REMOTE_ADDR="10.0.4.1")
    for _ in range(3):  # three more: would be six if the success had not cleared them
        _signin(client, "jury@test.local", "typo", "10.0.4.2")
    assert _signin(client, "jury@test.local", PASSWORD, "10.0.4.3").status_code == 302


# --- finding 7: password reset and sign-up ----------------------------------------------------

def _reset(client, email, ip):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


@pytest.fixture
def limits(settings, one_rate_window):
    settings.RATELIMIT_ENABLE = True
    from django.core.cache import cache

    cache.clear()


@pytest.mark.django_db
def test_password_reset_is_limited_per_address(client, users, limits):
    answers = [_reset(client, f"citizen{i % 2}@test.local" if i % 3 else "citizen@test.local",
                      "10.0.5.1").status_code for i in range(40)]
    assert answers.count(429) >= 30  # the address is stopped after a handful
    assert len(mail.outbox) <= 3


@pytest.mark.django_db
def test_password_reset_is_limited_per_account_and_answers_alike(client, users, limits):
    answers = [_reset(client, "Citizen@test.local", f"10.0.6.{i}") for i in range(10)]
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("accounts:password_reset_done"))}  # the same answer every time
    assert len(mail.outbox) == 3  # but no more than three e-mails to the account


@pytest.mark.django_db
def test_password_reset_answers_alike_for_unknown_addresses(client, users, limits):
    known = _reset(client, "citizen@test.local", "10.0.7.1")
    unknown = _reset(client, "nobody-here@test.local", "10.0.7.2")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def _signup(client, places, **fields):
    data = {"full_name": "Жаңы адам", "email": "", "phone": "",
            "municipality": places["a"].pk, "password1": "rivers of Naryn 2026",
            "password2": "rivers of Naryn 2026", **fields}
    return client.post(reverse("accounts:signup"), data)


def _answer(response) -> tuple:
    from django.contrib.messages import get_messages

    return (response.status_code, response.get("Location"),
            [str(m) for m in get_messages(response.wsgi_request)])


@pytest.mark.django_db
@pytest.mark.parametrize("field,taken,free", [
    ("email", "CITIZEN@test.local", "someone.new@test.local"),
    ("phone", "0555 000 001", "0700 555 123"),
])
def test_signup_answers_alike_whether_or_not_the_account_exists(places, users, field, taken,
                                                                free):
    from aimak_web.accounts.models import User

    before = User.objects.count()
    existing = _answer(_signup(Client(), places, **{field: taken}))
    assert User.objects.count() == before  # nobody new, the owner untouched
    new = _answer(_signup(Client(), places, **{field: free}))
    assert User.objects.count() == before + 1
    assert existing == new
    assert existing[0] == 302


@pytest.mark.django_db
def test_an_unconfirmed_phone_is_released_after_a_while(client, places, users, settings):
    from datetime import timedelta

    from django.utils import timezone

    from aimak_web.accounts.models import User

    squatter = User.objects.create_user(username="sq", phone="+996700111222",
                                        municipality=places["a"], password=PASSWORD)
    _signup(client, places, phone="0700 111 222")
    assert not User.objects.filter(phone="+996700111222").exclude(pk=squatter.pk).exists()
    User.objects.filter(pk=squatter.pk).update(
        date_joined=timezone.now() - settings.AIMAK_UNCONFIRMED_PHONE_TTL - timedelta(hours=1))
    _signup(client, places, phone="0700 111 222", full_name="Чыныгы ээси")
    owner = User.objects.get(phone="+996700111222")
    assert owner.full_name == "Чыныгы ээси"
    squatter.refresh_from_db()
    assert squatter.phone is None


@pytest.mark.django_db
def test_a_confirmed_phone_is_never_released(client, places, users, settings):
    from datetime import timedelta

    from django.utils import timezone

    from aimak_web.accounts.models import User

    citizen = users["citizen"]
    User.objects.filter(pk=citizen.pk).update(
        phone_confirmed_at=timezone.now(), date_joined=timezone.now() - timedelta(days=400))
    _signup(client, places, phone="0555 000 001")
    citizen.refresh_from_db()
    assert citizen.phone == "+996555000001"
    assert User.objects.filter(phone="+996555000001").count() == 1
