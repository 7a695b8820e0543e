"""The journal «Муниципалитет» (issue 24): the subscription as it works (Union members free, a
payment starts a non-member's subscription, expiry, reminders), the digest delivered through a
real SMTP server the test starts (aiosmtpd) with working links and an unsubscribe link, the paid
collection refused to non-subscribers in their language, and a legal question from an LSG body
to an expert's published answer, searchable in Russian and Kyrgyz."""

from __future__ import annotations

import email
import re
import socket
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from aimak_web.journal import services
from aimak_web.journal.models import Article, Consultation, Expert, Subscription
from aimak_web.practices.models import Theme
from aimak_web.practices.moderation import Status

from .perm_practices import make_practice


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def _member_list(users, *munis):
    return services.record_membership_list(users["admin"], "Письмо Союза МСУ № 12 от 10.01.2026",
                                           date(2026, 1, 10), munis)


@pytest.mark.django_db
def test_member_free_non_member_paid_from_payment_to_expiry(places, users):
    staff, other = users["municipal_staff"], users["other_staff"]
    with time_machine.travel(date(2026, 2, 1)):
        assert services.entitlement(staff) is None
        _member_list(users, places["a"])
        ent = services.entitlement(staff)
        assert ent.kind == "member" and ent.until is None and "№ 12" in ent.source
        assert services.price_som(True) == 0 and services.price_som(False) == 2400
        # a non-member municipality's staff: nothing until a payment is recorded
        assert services.entitlement(other) is None
        with pytest.raises(PermissionDenied):
            services.record_payment(staff, amount_som=Decimal(2400), bank_reference="X",
                                    period_start=date(2026, 2, 1), period_end=date(2027, 1, 31),
                                    municipality=places["c"])
        services.record_payment(users["admin"], amount_som=Decimal(2400),
                                bank_reference="ПП 000123 от 01.02.2026",
                                period_start=date(2026, 2, 1), period_end=date(2027, 1, 31),
                                municipality=places["c"])
        assert services.entitlement(other) == services.Entitlement(
            "paid", date(2027, 1, 31), "ПП 000123 от 01.02.2026")
        # a citizen of a member municipality is not a member's staff
        assert services.entitlement(users["citizen"]) is None
    with time_machine.travel(date(2027, 1, 31)):
        assert services.entitlement(other) is not None
    with time_machine.travel(date(2027, 2, 1)):
        assert services.entitlement(other) is None  # expired
        assert services.entitlement(staff).kind == "member"  # free stays free
    with pytest.raises(ValidationError):
        services.record_payment(users["admin"], amount_som=Decimal(1), bank_reference="Y",
                                period_start=date(2026, 2, 1), period_end=date(2026, 1, 1),
                                reader=users["jury"])


@pytest.mark.django_db
def test_admin_pages_record_the_list_and_a_payment(client, places, users):
    client.force_login(users["admin"])
    r = client.post(reverse("journal:memberships"), {
        "source": "Союз МСУ, список на 2026 год", "as_of": "2026-01-10",
        "members": [places["a"].pk, places["b"].pk]})
    assert r.status_code == 302
    assert set(services.current_list().members.all()) == {places["a"], places["b"]}
    r = client.post(reverse("journal:payments"), {
        "reader_email": users["jury"].email, "amount_som": "2 400,00",
        "bank_reference": "ПП 77", "period_start": "2026-03-01", "period_end": "2027-02-28"})
    assert r.status_code == 302
    with time_machine.travel(date(2026, 3, 2)):
        assert services.entitlement(users["jury"]).kind == "paid"
    # neither a municipality nor a reader: the error in Russian, nothing recorded
    r = client.post(reverse("journal:payments"), {
        "amount_som": "2400", "bank_reference": "ПП 78", "period_start": "2026-03-01",
        "period_end": "2027-02-28"})
    assert r.status_code == 200 and "либо муниципалитет" in r.content.decode()
    client.force_login(users["moderator"])
    assert client.get(reverse("journal:payments")).status_code == 403


class SMTPServer:
    """A local SMTP server (aiosmtpd) keeping what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.Message] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                outer.messages.append(email.message_from_bytes(envelope.content))
                return "250 OK"

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def _text(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


@pytest.mark.django_db
def test_digest_reaches_a_real_smtp_server_with_working_links(client, places, users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_USE_TLS = "127.0.0.1", False
    settings.AIMAK_SITE_URL = "https://journal.example.kg"
    staff, other = users["municipal_staff"], users["other_staff"]
    _member_list(users, places["a"])
    p = make_practice(users["citizen"], "published", munis=[places["a"]],
                      title_ru="Восстановление водоснабжения")
    services.subscribe(staff)  # a member: free
    services.subscribe(other)  # not a member, not paid: nothing sent
    with SMTPServer() as smtp:
        settings.EMAIL_PORT = smtp.port
        assert services.send_digests(timezone.now() + timedelta(minutes=1)) == 1
    (message,) = smtp.messages
    assert message["To"] == staff.email
    body = _text(message)
    assert "Восстановление водоснабжения" in body
    links = re.findall(r"https://journal\.example\.kg(\S+)", body)
    assert p.get_absolute_url() in links and "aimak.kg" not in body.replace(
        "journal.example.kg", "")
    assert any(part.get_content_type() == "application/pdf" for part in message.walk())
    assert message["List-Unsubscribe"]
    for path in links:  # every link works (the unsubscribe one without signing in)
        assert client.get(path).status_code == 200, path
    unsubscribe = next(x for x in links if "/unsubscribe/" in x)
    client.post(unsubscribe)
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_digests(timezone.now() + timedelta(minutes=1)) == 0


@pytest.mark.django_db
def test_reminders_before_expiry_once(places, users, settings):
    settings.AIMAK_SUBSCRIPTION_REMIND_DAYS = 30
    services.record_payment(users["admin"], amount_som=Decimal(2400), bank_reference="ПП 5",
                            period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                            reader=users["jury"])
    mail.outbox.clear()
    with time_machine.travel(date(2026, 11, 30)):
        assert services.send_reminders() == 0  # 31 days before: not yet
    with time_machine.travel(date(2026, 12, 1)):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0  # once
    (message,) = mail.outbox
    assert "2400" in message.body and "/journal/subscription/" in message.body
    assert "/practices/unsubscribe/" in message.body


@pytest.mark.django_db
def test_collection_refused_to_non_subscribers_in_their_language(client, places, users):
    url = reverse("journal:collection")
    r = client.get(url)
    assert r.status_code == 302 and "/accounts/signin/" in r["Location"]
    client.force_login(users["citizen"])
    with translation.override("ky"):
        r = client.get(reverse("journal:collection"))
    assert r.status_code == 403
    text = r.content.decode()
    assert "жазылуучулар" in text.lower() and "2400" in text
    _member_list(users, places["a"])
    client.force_login(users["municipal_staff"])
    r = client.get(url)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_legal_question_to_a_published_answer_searchable_in_ru_and_ky(client, places, users):
    staff, moderator = users["municipal_staff"], users["moderator"]
    expert_user = users["jury"]
    Expert.objects.create(user=expert_user, field_ru="муниципальное право")
    finance = Theme.objects.get(code="finance")
    # not a subscriber yet: refused, in Russian
    client.force_login(staff)
    r = client.get(reverse("journal:ask"))
    assert r.status_code == 403 and "подписки" in r.content.decode()
    _member_list(users, places["a"])
    r = client.post(reverse("journal:ask"), {
        "theme": finance.pk, "title_ru": "Аренда пастбищ", "title_ky": "Жайыттарды ижарага берүү",
        "question_ru": "Может ли айыл окмоту сдавать пастбища в аренду без торгов?",
        "question_ky": "Айыл өкмөтү жайыттарды тендерсиз ижарага бере алабы?",
        "publicity": "anonymous"})
    assert r.status_code == 302
    q = Consultation.objects.get()
    assert (q.status, q.municipality, q.submitter) == (Status.SUBMITTED, places["a"], staff)
    # the expert answers; the asker is told by e-mail
    mail.outbox.clear()
    client.force_login(expert_user)
    assert "answer-form" in client.get(q.get_absolute_url()).content.decode()
    client.post(reverse("journal:answer", args=[q.pk]), {
        "answer_ru": "Нет: пастбища передаются в пользование по закону «О пастбищах».",
        "answer_ky": "Жок: жайыттар «Жайыттар жөнүндө» мыйзамы боюнча пайдаланууга берилет."})
    q.refresh_from_db()
    assert q.status == Status.UNDER_REVIEW and q.expert.user == expert_user
    assert [m.to for m in mail.outbox] == [[staff.email]]
    # the expert does not publish their own answer (two-person rule); a moderator does
    with pytest.raises(PermissionDenied):
        q.publish(expert_user)
    client.force_login(moderator)
    client.post(reverse("journal:step", args=["consultation", q.pk, "publish"]))
    q.refresh_from_db()
    assert q.status == Status.PUBLISHED
    # public, anonymised, searchable by word forms in both languages
    client.logout()
    html = client.get(q.get_absolute_url()).content.decode()
    assert "пастбищ" in html and places["a"].name_ru not in html
    url = reverse("journal:consultations")
    for lang, query in (("ru", "пастбищами"), ("ky", "жайыттарды"), ("ky", "жайыт"),
                        ("ru", "аренде")):
        with translation.override(lang):
            url = reverse("journal:consultations")
        found = [x.pk for x in client.get(url, {"q": query}).context["page"]]
        assert found == [q.pk], (lang, query)
    assert client.get(url, {"theme": "services"}).context["page"].paginator.count == 0
    assert client.get(url, {"theme": "finance"}).context["page"].paginator.count == 1


@pytest.mark.django_db
def test_each_kind_has_its_form_page_and_listing(client, places, users):
    client.force_login(users["citizen"])
    theme = Theme.objects.get(code="services")
    # legislation news needs the act's number and date
    r = client.post(reverse("journal:article_new", args=["legislation"]), {
        "theme": theme.pk, "title_ru": "Изменения в закон о МСУ", "body_ru": "Текст."})
    assert r.status_code == 200 and "act_number" in r.context["form"].errors
    r = client.post(reverse("journal:article_new", args=["legislation"]), {
        "theme": theme.pk, "title_ru": "Изменения в закон о МСУ", "body_ru": "Текст.",
        "act_number": "12", "act_date": "2026-01-20", "source_url": "cbd.minjust.gov.kg/1",
        "action": "submit"})
    assert r.status_code == 302
    news = Article.objects.get()
    assert news.status == Status.SUBMITTED and news.source_url.startswith("https://")
    client.force_login(users["moderator"])
    client.post(reverse("journal:step", args=["article", news.pk, "publish"]))
    news.refresh_from_db()
    assert news.status == Status.PUBLISHED
    client.logout()
    for kind in ("legislation", "article", "story", "research"):
        r = client.get(reverse("journal:articles", args=[kind]))
        assert r.status_code == 200
        assert (news.pk in [x.pk for x in r.context["page"]]) == (kind == "legislation")
    html = client.get(news.get_absolute_url()).content.decode()
    assert "№ 12" in html or "No. 12" in html
    with translation.override("ky"):
        assert client.get(reverse("journal:index")).status_code == 200


@pytest.mark.django_db
def test_subscription_page_says_price_and_state(client, places, users):
    client.force_login(users["other_staff"])
    html = client.get(reverse("journal:subscription")).content.decode()
    assert "2400" in html and 'data-testid="how-to-pay"' in html
    r = client.post(reverse("journal:subscription"), {"active": "on"}, follow=True)
    assert "после оплаты" in r.content.decode()
    assert Subscription.objects.get(user=users["other_staff"]).active


@pytest.mark.django_db
def test_feed_dates_an_item_published_without_a_date(client, places, users):
    """A published item whose publication date is missing (set outside the workflow: an
    import, a data fix) is still in the feed, dated by its last change, and the feed does not
    fail; every entry carries Atom's required ``updated``."""
    from xml.etree import ElementTree

    from django.utils.dateparse import parse_datetime

    theme = Theme.objects.get(code="finance")
    dated = Article.objects.create(kind="story", submitter=users["citizen"], theme=theme,
                                   title_ru="С датой", body_ru="Текст", status="published",
                                   published_at=timezone.now() - timedelta(days=3))
    undated = Article.objects.create(kind="story", submitter=users["citizen"], theme=theme,
                                     title_ru="Без даты", body_ru="Текст", status="published")
    answer = Consultation.objects.create(
        submitter=users["municipal_staff"], municipality=places["a"], theme=theme,
        title_ru="Ответ без даты", question_ru="Можно ли?", answer_ru="Нет.",
        status="published", publicity="named")
    r = client.get(reverse("journal:feed"))
    assert r.status_code == 200
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = {e.findtext("a:title", namespaces=ns): e
               for e in ElementTree.fromstring(r.content).findall("a:entry", ns)}
    assert set(entries) == {"С датой", "Без даты", "Ответ без даты"}
    for title, when in (("С датой", dated.published_at), ("Без даты", undated.updated_at),
                        ("Ответ без даты", answer.updated_at)):
        e = entries[title]
        assert parse_datetime(e.findtext("a:published", namespaces=ns)) == when, title
        assert parse_datetime(e.findtext("a:updated", namespaces=ns)) >= when, title


@pytest.mark.django_db
def test_public_answer_never_shows_the_experts_contacts(client, places, users):
    """The published answer names the expert who gave it by their name; an expert's account
    without a full name must not put its e-mail (or phone) on the public page instead."""
    expert_user = users["jury"]
    expert_user.phone = "+996555000777"
    expert_user.save()
    q = Consultation.objects.create(
        submitter=users["municipal_staff"], municipality=places["a"],
        theme=Theme.objects.get(code="finance"), expert=Expert.objects.create(user=expert_user),
        title_ru="Вопрос", question_ru="Можно ли?", answer_ru="Нет.", status="published",
        publicity="named", published_at=timezone.now())
    html = client.get(q.get_absolute_url()).content.decode()
    assert "Отвечает эксперт журнала jury" in html  # the full name, as before
    # no full name: neither the e-mail, nor the phone, nor the login (an e-mail) shows
    for address, phone in (("jury@test.local", "+996555000777"), (None, "+996555000777"),
                           (None, None)):
        expert_user.full_name, expert_user.email, expert_user.phone = "", address, phone
        expert_user.save()
        r = client.get(q.get_absolute_url())
        html = r.content.decode()
        assert r.status_code == 200 and "Нет." in html and "Отвечает эксперт" not in html
        for contact in ("jury@test.local", "555000777"):
            assert contact not in html, (address, phone, contact)


@pytest.mark.django_db
def test_anonymous_answer_hides_the_askers_names_inside_the_texts(client, places, users):
    """Published without naming the asker: not only the municipality's name beside the
    question but the names inside the title, question and answer are replaced (the asking
    body, its rayon and villages, its officials, phones, e-mails), in every form Russian and
    Kyrgyz inflect them; other places and links to laws stay; the public pages, the listing,
    the feed and the search show only the redacted texts; the asker's body reads the texts as
    asked."""
    staff, expert_user, moderator = users["municipal_staff"], users["jury"], users["moderator"]
    staff.full_name = "Асанов Бакыт Токтогулович"
    staff.save()
    Expert.objects.create(user=expert_user)
    _member_list(users, places["a"])
    q = services.ask(staff, Consultation(
        theme=Theme.objects.get(code="finance"), publicity="anonymous",
        title_ru="Пастбища Жаны-Жольского айыл аймака", title_ky="Жаңы-Жолдун жайыттары",
        question_ru="Глава Жаны-Жол айыл окмоту Асанову поручили спросить: может ли село "
                    "Жаны-Жол-1 Первого района сдать пастбище жителям Ак-Суу? "
                    "Тел. +996 555 123 456, asanov@mail.kg",
        question_ky="Жаңы-Жолдон суроо: Биринчи районундагы жайытты Ак-Суу айылынын "
                    "тургундарына ижарага берсе болобу? Асановго чалыңыз: 0555 123 456"))
    services.answer(expert_user, q,
                    "Жаны-Жольскому айыл окмоту: нет, по закону «О пастбищах» "
                    "(http://cbd.minjust.gov.kg/act/view/ru-ru/111).",
                    "Жаңы-Жолго: жок, «Жайыттар жөнүндө» мыйзамы боюнча.")
    # the office sees beforehand what the public will read
    client.force_login(moderator)
    html = client.get(q.get_absolute_url()).content.decode()
    assert 'data-testid="public-preview"' in html and "[муниципалитет]" in html
    q.publish(moderator)
    leaks = ("Жаны-Жол", "Жаңы-Жол", "Асанов", "555", "123 456", "asanov@", "Первого",
             "Биринчи", "Токтогул")
    client.logout()
    pages = {}
    for lang in ("ru", "ky"):
        with translation.override(lang):
            pages[lang] = client.get(q.get_absolute_url()).content.decode()
            pages[f"list-{lang}"] = client.get(reverse("journal:consultations")).content.decode()
    pages["feed"] = client.get(reverse("journal:feed")).content.decode()
    for name, html in pages.items():
        found = [w for w in leaks if w in html]
        assert not found, (name, found)
    assert "[муниципалитет]" in pages["ru"] and "[село]" in pages["ru"]
    assert "[район]" in pages["ru"] and "[должностное лицо]" in pages["ru"]
    assert "[телефон]" in pages["ru"] and "[эл. почта]" in pages["ru"]
    assert "[айыл]" not in pages["ru"]
    assert "Ак-Суу" in pages["ru"] and "cbd.minjust.gov.kg" in pages["ru"]  # kept
    assert "[муниципалитет]" in pages["ky"] and "Ак-Суу" in pages["ky"]
    # the search finds it by its subject, not by the asker's name
    url = reverse("journal:consultations")
    assert [x.pk for x in client.get(url, {"q": "пастбище"}).context["page"]] == [q.pk]
    for name in ("Жаны-Жол", "Асанов", "Жаңы-Жолдон"):
        assert client.get(url, {"q": name}).context["page"].paginator.count == 0, name
    # the asker's body reads the texts as asked; a citizen does not
    client.force_login(staff)
    assert "Асанову поручили" in client.get(q.get_absolute_url()).content.decode()
    client.force_login(users["citizen"])
    assert "Асанов" not in client.get(q.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_administrator_names_and_withdraws_experts_in_the_product(client, places, users):
    """Experts are named on the journal office's page, not only in Django's admin: by the
    account's e-mail, with their field; told by e-mail; withdrawn and reinstated; each change
    in the audit trail with the administrator as actor; others are refused."""
    from auditlog.models import LogEntry

    from aimak_web.practices.rules import can

    admin, person = users["admin"], users["citizen"]
    url = reverse("journal:experts")
    client.force_login(users["moderator"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": person.email}).status_code == 403
    assert not Expert.objects.exists()
    client.force_login(admin)
    assert not can(person, "journal.answer")
    # an unknown e-mail: said beside the field, in the reader's language
    for lang, words in (("ru", "Учётной записи с таким e-mail нет"), ("ky", "каттоо жок")):
        with translation.override(lang):
            r = client.post(reverse("journal:experts"), {"email": "nobody@test.local"})
        assert r.status_code == 200 and words in r.content.decode(), lang
    mail.outbox.clear()
    r = client.post(url, {"email": person.email.upper(), "field_ru": "земельное право",
                          "field_ky": "жер укугу"})
    assert r.status_code == 302 and r["Location"] == url
    expert = Expert.objects.get(user=person)
    assert (expert.field_ru, expert.field_ky, expert.active) == ("земельное право",
                                                                  "жер укугу", True)
    assert can(person, "journal.answer")
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert reverse("journal:office") in mail.outbox[0].body
    page = client.get(url).content.decode()
    assert "земельное право" in page and 'data-testid="withdraw"' in page
    # withdrawn: no more answers; reinstated: again
    client.post(reverse("journal:expert_active", args=[expert.pk]), {"active": "0"})
    expert.refresh_from_db()
    assert not expert.active and not can(person, "journal.answer")
    client.post(reverse("journal:expert_active", args=[expert.pk]), {"active": "1"})
    expert.refresh_from_db()
    assert expert.active and can(person, "journal.answer")
    entries = LogEntry.objects.get_for_object(expert)
    assert entries.count() == 3 and {e.actor_id for e in entries} == {admin.pk}
    # the expert finds the questions from their desk
    client.force_login(person)
    assert reverse("journal:office") in client.get(reverse("journal:desk")).content.decode()
    assert client.get(reverse("journal:office")).status_code == 200


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _xlsx(rows) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_membership_list_uploaded_as_csv_xlsx_or_russian_excel_csv(client, places, users):
    """The Union's list as a file: UTF-8 CSV by codes, Windows-1251 CSV with semicolons by
    names in other spellings (with the rayon where a name is not unique), XLSX with codes as
    numbers; recorded with its source and date, audited."""
    from auditlog.models import LogEntry

    from aimak_web.journal.models import MembershipList
    from aimak_web.places.models import Municipality

    a, b, c = places["a"], places["b"], places["c"]
    # a namesake of a in the other rayon (synthetic, like the rest of the test directory)
    twin = Municipality.objects.create(code="T2000000000002", name_ru="Жаны-Жол айыл аймагы",
                                       name_ky="Жаңы-Жол", name_en="Jany-Jol", kind="ayil_aimak",
                                       rayon=places["rayons"][1])
    client.force_login(users["admin"])
    url = reverse("journal:memberships")

    def post(name, data, **extra):
        return client.post(url, {"source": "Письмо Союза МСУ № 7", "as_of": "2026-01-10",
                                 "file": _upload(name, data), **extra})

    r = post("list.csv", f"Код,Наименование\n{a.code},Жаны-Жол\n{c.code},\n".encode())
    assert r.status_code == 302, r.content.decode()[-2000:]
    lst = MembershipList.objects.get()
    assert set(lst.members.all()) == {a, c} and lst.source == "Письмо Союза МСУ № 7"
    assert lst.as_of == date(2026, 1, 10) and lst.recorded_by == users["admin"]
    assert LogEntry.objects.get_for_object(lst).get().actor == users["admin"]
    # Russian Excel: semicolons, Windows-1251, a comma inside a name's cell, names spelt as
    # the Union writes them; the namesake told apart by its rayon
    text = ("Наименование;Район;Примечание\n"
            "Кок-Алминский айылный аймак;Первый район;взносы за 2025, 2026\n"
            "Джаны-Джол а/а;Второй район;\n")
    r = post("союз.csv", text.encode("cp1251"))
    assert r.status_code == 302
    assert set(MembershipList.objects.first().members.all()) == {b, twin}
    # XLSX, codes as numbers, plus one chosen in the list box
    r = post("list.xlsx", _xlsx([["СОАТЕ"], [a.code]]), members=[b.pk])
    assert r.status_code == 302
    assert set(MembershipList.objects.first().members.all()) == {a, b}
    assert MembershipList.objects.count() == 3


@pytest.mark.django_db
def test_membership_file_errors_name_row_and_column_in_the_readers_language(client, places,
                                                                             users):
    from aimak_web.journal.models import MembershipList
    from aimak_web.places.models import Municipality

    Municipality.objects.create(code="T2000000000002", name_ru="Жаны-Жол айыл аймагы",
                                name_ky="Жаңы-Жол", name_en="Jany-Jol", kind="ayil_aimak",
                                rayon=places["rayons"][1])
    client.force_login(users["admin"])
    bad = ("Наименование;Район\n"
           "Кок-Алма;\n"            # row 2: fine
           "Жаны-Жол;\n"            # row 3: two municipalities of this name
           "Кызыл-Кия;\n"           # row 4: not in the directory
           "Кок-Алма;\n"            # row 5: twice
           "Ак-Суу;Третий район\n"  # row 6: no such rayon
           ";\n"                    # row 7: empty
           "Ак-Суу;\n").encode("cp1251")

    def errors(lang, name, data):
        with translation.override(lang):
            r = client.post(reverse("journal:memberships"), {
                "source": "Союз", "as_of": "2026-01-10", "file": _upload(name, data)})
        assert r.status_code == 200
        return r.context["form"].errors["file"]

    ru = errors("ru", "list.csv", bad)
    assert any(e.startswith("строка 3, столбец «Наименование»: «Жаны-Жол»") and "Второй" in e
               for e in ru), ru
    assert any(e.startswith("строка 4, столбец «Наименование»: «Кызыл-Кия»") for e in ru), ru
    assert any(e.startswith("строка 5") and "строке 2" in e for e in ru), ru
    assert any(e.startswith("строка 6, столбец «Район»: «Третий район»") for e in ru), ru
    assert any(e.startswith("строка 7") for e in ru), ru
    assert len(ru) == 5
    ky = errors("ky", "list.csv", bad)
    assert len(ky) == 5 and all(re.match(r"\d-сап", e) for e in ky), ky
    assert any("«Кызыл-Кия»" in e and "маалымдамада" in e for e in ky), ky
    # a wrong code, a header without the municipality, a file that is no table, an empty one
    ru = errors("ru", "codes.xlsx", _xlsx([["Код"], ["41799999999999"]]))
    assert ru[0].startswith("строка 2, столбец «Код»: «41799999999999»")
    ru = errors("ru", "list.csv", "ФИО;Телефон\nАсанов;0555\n".encode())
    assert ru[0].startswith("строка 1:") and "«ФИО»" in ru[0]
    ru = errors("ru", "list.xlsx", b"not a workbook")
    assert "«list.xlsx»" in ru[0] and "таблиц" in ru[0]
    ru = errors("ru", "list.pdf", b"%PDF-1.4")
    assert "«list.pdf»" in ru[0]
    assert not MembershipList.objects.exists()


@pytest.mark.parametrize("lang,prefix,headings", [
    ("ru", "", ["Новости законодательства", "Статьи экспертов", "Истории односельчан",
                "Исследования"]),
    ("ky", "/ky", ["Мыйзамдардын жаңылыктары", "Эксперттердин макалалары",
                   "Айылдаштардын окуялары", "Изилдөөлөр"]),
])
def test_section_headings_name_the_section_as_the_menu_does(client, db, lang, prefix, headings):
    """A section is headed in the plural, as the journal's menu names it, on the front page
    and on the section's own page (before: «Новость законодательства», «Статья эксперта»)."""
    with translation.override(lang):
        front = client.get(f"{prefix}/journal/").content.decode()
        h2 = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2>(.*?)</h2>", front)]
        for heading, kind in zip(headings, ["legislation", "article", "story", "research"],
                                 strict=True):
            assert heading in h2, (heading, h2)
            page = client.get(f"{prefix}/journal/{kind}/").content.decode()
            assert f"<h1>{heading}</h1>" in page


@pytest.mark.django_db
def test_the_office_card_and_page_offer_each_role_only_what_it_may_open(client, places, users):
    """Failed before the fix: the moderator's home card promised the Union's membership list
    and the payments, which answer 403 to a moderator, and the office page linked to neither
    the administrator's pages nor writing an article."""
    admin_pages = {reverse(n) for n in ("journal:memberships", "journal:payments",
                                        "journal:experts")}
    write = reverse("journal:article_new", args=["article"])
    for role, card_says, card_never in (
            ("moderator", "Модерация статей и правовых вопросов журнала", "платеж"),
            ("admin", "учёт платежей", None)):
        client.force_login(users[role])
        home = client.get("/").content.decode()
        card = re.search(r'data-testid="home-journal_office">[^<]*</a><span>([^<]*)</span>',
                         home).group(1)
        assert card_says in card, role
        assert card_never is None or card_never not in card.lower(), role
        office = client.get(reverse("journal:office")).content.decode()
        links = set(re.findall(r'href="(/journal/[^"#?]*)"', office))
        assert write in links, role
        assert (admin_pages <= links) == (role == "admin"), role
        assert role == "admin" or not admin_pages & links
        for href in sorted(links):
            assert client.get(href).status_code == 200, (role, href)
