"""Roles asked for and given in the product (no Django admin): a person asks to act as staff of
a municipality and a staff member of it (or an administrator) decides; the organisers invite a
jury member by e-mail (through a real SMTP server, aiosmtpd) or by phone, in ru or ky."""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aimak_web.accounts.models import Role, StaffRequest

from .perm_contests import make_edition, submit_application


@pytest.fixture
def smtp(settings):
    """A local SMTP server; Django sends through it. Yields the received messages."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield received
    controller.stop()


@pytest.mark.django_db
def test_a_staff_member_gets_the_role_through_the_product(client, users, places):
    from auditlog.models import LogEntry

    citizen = users["citizen"]
    client.force_login(citizen)
    url = reverse("accounts:request_staff")
    page = client.get("/ky" + url).content.decode()
    assert "Муниципалитет үчүн иштөө" in page  # the page speaks Kyrgyz
    r = client.post("/ky" + url, {"municipality": "Нет такого", "position": "бухгалтер"})
    assert "Нет такого" in r.content.decode() and not StaffRequest.objects.exists()
    r = client.post(url,
                    {"municipality": "Ак-Суу", "position": "главный бухгалтер"})
    assert r.status_code == 302
    request = StaffRequest.objects.get()
    assert (request.user, request.municipality) == (citizen, places["c"])
    # staff of another municipality cannot decide it, nor see it
    client.force_login(users["municipal_staff"])
    assert "главный бухгалтер" not in client.get(reverse("accounts:staff_requests")).content \
        .decode()
    decide = reverse("accounts:staff_request_decide", args=[request.pk])
    assert client.post(decide, {"action": "approve"}).status_code == 403
    # staff of c decide: a refusal needs a reason; an approval makes the person staff of c
    client.force_login(users["other_staff"])
    assert "главный бухгалтер" in client.get(reverse("accounts:staff_requests")).content \
        .decode()
    client.post(decide, {"action": "refuse", "reason": ""})
    request.refresh_from_db()
    assert request.state == StaffRequest.State.PENDING
    client.post(decide, {"action": "approve", "reason": ""})
    citizen.refresh_from_db()
    assert (citizen.role, citizen.municipality) == (Role.MUNICIPAL_STAFF, places["c"])
    entry = LogEntry.objects.get_for_object(request).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == users["other_staff"]
    # and the new staff member can apply to the contest for c
    client.force_login(citizen)
    ed = make_edition(2026, users["admin"])
    assert client.get(reverse("contests:apply", args=[ed.year])).status_code == 200


@pytest.mark.django_db
def test_a_juror_is_invited_by_e_mail_in_kyrgyz_and_takes_the_seat(
        client, users, places, smtp, django_user_model):
    ed = make_edition(2026, users["admin"])
    submit_application(ed, places["a"], users["municipal_staff"])
    person = django_user_model.objects.create_user(
        username="new@test.local", email="new@test.local", full_name="Жаңы калыс",
        role=Role.CITIZEN, municipality=places["b"], password="x" * 20)
    client.force_login(users["admin"])
    client.post(reverse("contests:invite", args=[ed.year]),
                {"contact": "new@test.local", "language": "ky"})
    [mail] = smtp
    body = mail.get_body(("plain",)).get_content()
    assert mail["To"] == "new@test.local" and "калыстар тобуна чакырылдыңыз" in body
    link = re.search(r"https?://\S+/contests/invitation/[\w-]+/", body).group()
    path = link.split("testserver", 1)[1]
    # someone else with the link is refused; the invited person accepts
    client.force_login(users["citizen"])
    assert client.post(path).status_code == 403
    client.force_login(person)
    assert path.startswith("/ky/")  # the link opens the page in the invitation's language
    page = client.get(path).content.decode()
    assert "Кабыл алуу жана калыстар тобуна кирүү" in page
    r = client.post(path)
    assert r.status_code == 302 and r["Location"].endswith(f"/contests/{ed.year}/jury/conflicts/")
    person.refresh_from_db()
    assert person.role == Role.JURY and ed.jurors.filter(user=person).exists()
    assert client.post(path).status_code == 403  # used once
    # their own municipality (b) stays a conflict: b's application is removed from them
    a_app = ed.applications.get()
    b_app = submit_application(ed, places["b"], users["other_staff"])
    assert ed.jurors.get(user=person).recused_ids() == {b_app.pk}
    assert a_app.pk not in ed.jurors.get(user=person).recused_ids()


@pytest.mark.django_db
def test_a_juror_is_invited_by_phone_in_russian(client, users, django_user_model):
    from aimak_web.accounts import gateway

    ed = make_edition(2026, users["admin"])
    client.force_login(users["admin"])
    client.post(reverse("contests:invite", args=[ed.year]),
                {"contact": "0555 123 456", "language": "ru"})
    [sms] = gateway.outbox
    assert sms["to"] == "+996555123456" and "Вы приглашены в жюри" in sms["text"]
    r = client.post(reverse("contests:invite", args=[ed.year]),
                    {"contact": "not a phone", "language": "ru"}, follow=True)
    assert "+996" in r.content.decode() and len(gateway.outbox) == 1
    token = re.search(r"/invitation/([\w-]+)/", sms["text"]).group(1)
    # someone without an account yet is brought back here after creating one
    client.logout()
    path = reverse("contests:invitation", args=[token])
    assert f'href="{reverse("accounts:signup")}?next={path}"' in client.get(path).content.decode()
    staff = users["municipal_staff"]
    staff.phone = "+996555123456"
    staff.save()
    client.force_login(staff)  # municipal staff cannot sit on the jury
    r = client.post(reverse("contests:invitation", args=[token]))
    assert r.status_code == 403 and "жюри" in r.content.decode()
    # the right person, a citizen with that phone: 31 days on the link has expired
    staff.phone = None
    staff.save()
    person = django_user_model.objects.create_user(
        username="p@test.local", phone="+996555123456", role=Role.CITIZEN, password="x" * 20)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        client.force_login(person)
        r = client.post(reverse("contests:invitation", args=[token]))
        assert r.status_code == 403 and "срок" in r.content.decode()
    person.refresh_from_db()
    assert person.role == Role.CITIZEN and not ed.jurors.filter(user=person).exists()
    # within the 30 days it takes them to the jury
    assert client.post(reverse("contests:invitation", args=[token])).status_code == 302
    person.refresh_from_db()
    assert person.role == Role.JURY and ed.jurors.filter(user=person).exists()
