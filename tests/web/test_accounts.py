"""Accounts: sign-in by e-mail or phone, lock-out, one-time codes, residence verification."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import Workbook

from aimak_web.accounts import gateway
from aimak_web.accounts.models import OneTimeCode, ResidentEntry, Role, User
from aimak_web.accounts.phones import normalize_phone

from .conftest import PASSWORD


def test_phone_normalisation():
    assert normalize_phone("0555 123 456") == "+996555123456"
    assert normalize_phone("+996 (555) 12-34-56") == "+996555123456"
    assert normalize_phone("555123456") == "+996555123456"
    assert normalize_phone("12") is None
    assert normalize_phone("") is None


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", ["citizen@test.local", "CITIZEN@test.local",
                                        "0555 000 001", "+996555000001"])
def test_sign_in_by_email_or_phone(client, users, identifier):
    r = client.post(reverse("accounts:signin"), {"username": identifier, "password": PASSWORD})
    assert r.status_code == 302
    assert client.get(reverse("accounts:me")).context["user"] == users["citizen"]


@pytest.mark.django_db
def test_wrong_password_shows_error_next_to_form(client, users):
    r = client.post(reverse("accounts:signin"), {"username": "citizen@test.local",
                                                 "password": "wrong"})
    assert r.status_code == 200
    assert "The e-mail/phone or the password is wrong." not in r.content.decode()  # in Russian
    assert "неверн" in r.content.decode().lower()


@pytest.mark.django_db
def test_lockout_after_five_failures(client, users, settings):
    settings.AXES_ENABLED = True
    url = reverse("accounts:signin")
    for _ in range(5):
        client.post(url, {"username": "jury@test.local", "password": "wrong"})
    r = client.post(url, {"username": "jury@test.local", "password": PASSWORD})
    assert r.status_code == 429
    assert client.get(reverse("accounts:me")).status_code == 302  # still signed out


@pytest.mark.django_db
def test_sign_in_rate_limited(client, users, settings, one_rate_window):
    settings.RATELIMIT_ENABLE = True
    from django.core.cache import cache

    cache.clear()
    url = reverse("accounts:signin")
    statuses = [client.post(url, {"username": f"nobody{i}@x.kg", "password": "x"}).status_code
                for i in range(25)]
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 5


@pytest.mark.django_db
def test_signup_requires_email_or_phone_and_checks_fields(client, places):
    url = reverse("accounts:signup")
    r = client.post(url, {"full_name": "A", "municipality": places["a"].pk,
                          "password1": "x", "password2": "y"})
    errors = r.context["form"].errors
    assert "email" in errors and "password2" in errors
    r = client.post(url, {"full_name": "Айгүл", "phone": "0700 111 222",
                          "municipality": places["a"].pk,
                          "password1": "long enough pass 42", "password2": "long enough pass 42"})
    # the new person signs in next, then confirms the phone
    assert r.status_code == 302
    assert r.url == f"{reverse('accounts:signin')}?next=%2Faccounts%2Fme%2Fphone%2F"
    user = User.objects.get(phone="+996700111222")
    assert user.role == Role.CITIZEN and not user.is_verified_resident
    assert user.password.startswith("argon2")


_SIGNUP = {"full_name": "Айгүл", "municipality": None, "password1": "long enough pass 42",
           "password2": "long enough pass 42"}


@pytest.mark.django_db
def test_signup_brings_the_person_back_to_where_they_were_going(client, places):
    """An invited juror (or a citizen following a hearing's link) signs up, signs in, confirms
    the phone and lands where the link pointed, not on their profile."""
    going = "/contests/invitation/abc/?x=1&y=2"
    page = client.get(reverse("accounts:signup"), {"next": going}).content.decode()
    assert 'name="next" value="/contests/invitation/abc/?x=1&amp;y=2"' in page
    data = {**_SIGNUP, "municipality": places["a"].pk, "next": going}
    r = client.post(reverse("accounts:signup"), {**data, "email": "juror.new@test.local"})
    assert r.url == f"{reverse('accounts:signin')}?{urlencode({'next': going})}"
    r = client.post(reverse("accounts:signup"), {**data, "phone": "0700 111 333"})
    confirm = f"{reverse('accounts:phone_confirm')}?{urlencode({'next': going})}"
    assert r.url == f"{reverse('accounts:signin')}?{urlencode({'next': confirm})}"
    r = client.post(r.url, {"username": "0700 111 333", "password": data["password1"],
                            "next": confirm})
    assert r.url == confirm
    page = client.get(confirm).content.decode()
    assert page.count('name="next" value="/contests/invitation/abc/?x=1&amp;y=2"') == 2
    r = client.post(confirm, {"action": "send", "next": going})
    assert r.url == confirm
    code = "".join(ch for ch in gateway.outbox[-1]["text"] if ch.isdigit())[:6]
    r = client.post(confirm, {"action": "check", "code": code, "next": going})
    assert r.url == going


@pytest.mark.django_db
@pytest.mark.parametrize("unsafe", ["https://evil.example/x", "//evil.example/x",
                                    "javascript:alert(1)", "http://testserver.evil.example/"])
def test_signup_ignores_a_next_that_leads_elsewhere(client, places, unsafe):
    page = client.get(reverse("accounts:signup"), {"next": unsafe}).content.decode()
    assert 'name="next"' not in page  # nothing unsafe is carried on
    data = {**_SIGNUP, "municipality": places["a"].pk, "next": unsafe}
    r = client.post(reverse("accounts:signup"), {**data, "email": "someone@test.local"})
    assert r.url == f"{reverse('accounts:signin')}?{urlencode({'next': reverse('accounts:me')})}"
    r = client.post(reverse("accounts:signup"), {**data, "phone": "0700 111 444"})
    assert r.url == (f"{reverse('accounts:signin')}?"
                     f"{urlencode({'next': reverse('accounts:phone_confirm')})}")
    client.force_login(User.objects.get(phone="+996700111444"))
    _obj, code = OneTimeCode.issue(User.objects.get(phone="+996700111444"), "confirm_phone",
                                   "+996700111444")
    r = client.post(reverse("accounts:phone_confirm"),
                    {"action": "check", "code": code, "next": unsafe})
    assert r.url == reverse("accounts:me")


@pytest.mark.django_db
def test_the_sign_in_pages_create_account_link_carries_next(client):
    page = client.get(reverse("accounts:signin"), {"next": "/hearings/7/?tab=a"}).content.decode()
    assert f'href="{reverse("accounts:signup")}?next=/hearings/7/%3Ftab%3Da"' in page
    page = client.get(reverse("accounts:signin"), {"next": "//evil.example/"}).content.decode()
    assert f'href="{reverse("accounts:signup")}"' in page
    assert f'{reverse("accounts:signup")}?next' not in page


@pytest.mark.django_db
def test_phone_code_confirms_and_verifies_from_list(client, places, users):
    staff = users["municipal_staff"]
    ResidentEntry.objects.create(municipality=places["a"], full_name="Айгүл", phone="+996700111222",
                                 village_text="x", uploaded_by=staff, source_file="l.csv")
    user = User.objects.create_user(username="p", phone="+996700111222",
                                    municipality=places["a"], password=PASSWORD)
    client.force_login(user)
    client.post(reverse("accounts:phone_confirm"), {"action": "send"})
    assert len(gateway.outbox) == 1 and gateway.outbox[0]["to"] == "+996700111222"
    code = "".join(ch for ch in gateway.outbox[0]["text"] if ch.isdigit())[:6]
    wrong = "000000" if code != "000000" else "111111"
    r = client.post(reverse("accounts:phone_confirm"), {"action": "check", "code": wrong})
    assert "code" in r.context["form"].errors
    client.post(reverse("accounts:phone_confirm"), {"action": "check", "code": code})
    user.refresh_from_db()
    assert user.phone_confirmed_at and user.residence_method == "list"
    assert user.is_verified_resident


@pytest.mark.django_db
def test_code_expires_after_too_many_attempts(users):
    user = users["citizen"]
    _, code = OneTimeCode.issue(user, "confirm_phone", user.phone)
    for _ in range(5):
        assert not OneTimeCode.verify(user, "confirm_phone", "xxxxxx")
    assert not OneTimeCode.verify(user, "confirm_phone", code)  # sixth try: locked


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "residents.xlsx"
    return buf


@pytest.mark.django_db
def test_residents_upload_errors_name_row_and_column_and_change_nothing(client, users):
    client.force_login(users["municipal_staff"])
    upload = _xlsx([["name", "phone", "village"],
                    ["Асан", "0555 123 456", "Жаны-Жол-1"],
                    ["", "12", "Бишкек"],
                    ["Үсөн", "0555 123 456", "жаңы-жол-2"]])
    r = client.post(reverse("accounts:residents"), {"file": upload})
    problems = [str(p) for p in r.context["problems"]]
    assert any("2" in p and "name" in p for p in problems)
    assert any("2" in p and "phone" in p for p in problems)
    assert any("2" in p and "village" in p for p in problems)
    assert any("3" in p and "phone" in p for p in problems)  # duplicate of row 1
    assert len(problems) == 4
    assert ResidentEntry.objects.count() == 0


@pytest.mark.django_db
def test_residents_upload_matches_village_spelling_and_verifies(client, users, places):
    citizen = User.objects.create_user(username="q", phone="+996555123456",
                                       municipality=places["a"], password=PASSWORD)
    from django.utils import timezone

    citizen.phone_confirmed_at = timezone.now()
    citizen.save()
    client.force_login(users["municipal_staff"])
    csv = io.BytesIO("name,phone,village\nАсан,0555 123 456,Dzhany-Dzhol-1\n".encode())
    csv.name = "list.csv"
    r = client.post(reverse("accounts:residents"), {"file": csv})
    assert r.status_code == 302
    entry = ResidentEntry.objects.get()
    assert entry.village.name_ru == "Жаны-Жол-1"
    citizen.refresh_from_db()
    assert citizen.residence_method == "list"


@pytest.mark.django_db
def test_staff_confirm_by_hand_is_audited(client, users, places):
    from auditlog.models import LogEntry

    person = User.objects.create_user(username="r", email="r@x.kg", municipality=places["a"],
                                      password=PASSWORD)
    client.force_login(users["municipal_staff"])
    client.post(reverse("accounts:resident_confirm", args=[person.pk]))
    person.refresh_from_db()
    assert person.residence_method == "manual"
    entry = LogEntry.objects.filter(object_pk=str(person.pk),
                                    content_type__model="user").latest("timestamp")
    assert entry.actor == users["municipal_staff"]
    assert "residence_verified_at" in entry.changes_dict


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_residents_page_speaks_the_reader_language(client, users, lang):
    """The page, and its list of a file's problems, in one language: the headers a file may use
    and the file's own headers are literal (``<code>``), the rest comes from the catalog."""
    from .language import problems

    client.force_login(users["municipal_staff"])
    prefix = "" if lang == "ru" else f"/{lang}"
    url = prefix + reverse("accounts:residents")
    r = client.get(url)
    assert r.status_code == 200
    assert problems(r.content.decode(), lang) == []
    missing = io.BytesIO("name,telephone\nАсан,0555 123 456\n".encode())
    missing.name = "list.csv"
    r = client.post(url, {"file": missing})
    assert len(r.context["problems"]) == 2  # no phone column, no village column
    assert problems(r.content.decode(), lang, ["Асан"]) == []
    rows = _xlsx([["name", "phone", "village"], ["Асан", "12", "Жаны-Жол-1"]])
    r = client.post(url, {"file": rows})
    html = r.content.decode()
    assert "<code>phone</code>" in html  # the file's own header, as written
    assert problems(html, lang, ["Асан"]) == []


@pytest.mark.django_db
def test_residents_waiting_with_one_name_can_be_told_apart(client, users, places):
    """Two sign-ups with one name: staff tell them apart by contact and sign-up date, and an
    e-mail-only resident shows the e-mail (before: both rows read «Айгуль Асанова —»)."""
    import re
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from aimak_web.accounts.models import Role, User

    when = datetime(2026, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
    User.objects.create(username="a1", full_name="Айгуль Асанова", role=Role.CITIZEN,
                        municipality=places["a"], phone="+996700111222", date_joined=when)
    User.objects.create(username="a2", full_name="Айгуль Асанова", role=Role.CITIZEN,
                        municipality=places["a"], email="aigul@example.kg", date_joined=when)
    client.force_login(users["municipal_staff"])
    html = client.get(reverse("accounts:residents")).content.decode()
    waiting = re.search(r'<table[^>]*data-testid="waiting".*?</table>', html, re.S).group(0)
    head = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", waiting)]
    assert head == ["Имя", "Телефон", "Эл. почта", "Регистрация", "Проживание"], head
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip()
            for r in re.findall(r"<tr>(.*?)</tr>", waiting, re.S)[1:]]
    asanova = [r for r in rows if "Асанова" in r]
    assert len(asanova) == 2 and asanova[0] != asanova[1], rows
    assert any("aigul@example.kg" in r for r in asanova)
    assert all("03.11.2026" in r for r in asanova)
