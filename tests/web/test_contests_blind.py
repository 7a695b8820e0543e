"""Blind judging, checked from outside: the independent scan (``blind_scan``) on every page and
file a juror can open, and k-anonymity of the shown hearing facts against the public API."""

from __future__ import annotations

import io
import math
import random
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from aimak_web.contests.models import Application, Evidence

from . import blind_scan
from .conftest import SYNTHETIC
from .contest_files import jpeg_with_gps, pdf_with_metadata
from .perm_contests import (
    CONTACT_A,
    HEAD_A,
    OFFLINE_A,
    SUMMARY_A,
    make_edition,
    seat,
    start_jury,
    within,
)

BISHKEK = ZoneInfo("Asia/Bishkek")
#: texts that name a's officials and places in inflected forms, and a phone and an e-mail
INFLECTED = ("Слово предоставили Асанову Бакыту Токтогуловичу; представители Первого района и "
             "Жаны-Жольского айыл окмоту. Жаңы-Жолдон 40 адам келди. Звоните +996 555 12 34 56 "
             "или 0555 123 456, пишите jany-jol@mail.kg; сайт https://jany-jol.kg/budget.")


def _platform_notice(municipality) -> bytes:
    """The notice PDF the platform itself makes for a hearing of ``municipality``."""
    from aimak_web.hearings.documents import notice_pdf
    from aimak_web.hearings.models import Hearing

    h = Hearing.objects.create(
        municipality=municipality, subject="draft_budget", year=2027,
        title_ru="Проект бюджета на 2027 год", title_ky="2027-жылдын бюджетинин долбоору",
        notice_date=date(2026, 7, 1), meeting_place="Дом культуры села Жаны-Жол-1",
        meeting_at=datetime(2026, 7, 20, 10, tzinfo=BISHKEK), state="announced")
    return notice_pdf(h, "ru")


def _apply(ed, municipality, staff, summary, offline="", head="", contact="", files=()):
    from aimak_web.contests import services

    with within(ed, "applications"):
        app = Application.objects.create(edition=ed, municipality=municipality,
                                         created_by=staff, summary=summary,
                                         offline_hearings=offline, head_name=head,
                                         contact_name=contact)
        for name, data, description in files:
            ev = Evidence(application=app, original_name=name, description=description)
            ev.file.save("upload." + name.rsplit(".", 1)[-1], ContentFile(data), save=True)
        services.submit(app, staff)
    return app


@pytest.fixture
def blind(places, users):
    """2026 in jury scoring today; a applied with names in every form and three files (minutes
    with metadata, a photo with GPS, the platform's own notice); b applied plainly."""
    ed = make_edition(2026, users["admin"], start=timezone.localdate() - timedelta(days=15))
    minutes = pdf_with_metadata(SUMMARY_A + " " + INFLECTED, title="Протокол Жаны-Жол АО",
                                author="Асанов Бакыт, Жаны-Жольский АО")
    files = [("signin-sheet-Jany-Jol-AO.pdf", minutes, "Протокол, Жаны-Жол-2"),
             ("Жаны-Жол_фото.jpg", jpeg_with_gps(HEAD_A), "Фото собрания в Жаны-Жол-1"),
             ("Dostuk-AO-notice.pdf", _platform_notice(places["a"]), "Объявление")]
    a = _apply(ed, places["a"], users["municipal_staff"], SUMMARY_A + " " + INFLECTED,
               OFFLINE_A, HEAD_A, CONTACT_A, files)
    b = _apply(ed, places["b"], users["other_staff"], "Слушания в Кок-Алма айыл аймагы.")
    seat(ed, users["jury"])
    start_jury(ed, users["admin"])
    return {"edition": ed, "a": a, "b": b}


def juror_sees(client, ed, apps) -> dict[str, tuple[str, bytes | str]]:
    """Every jury page (ru, ky, en) and file: url -> (kind, content)."""
    urls = [reverse("contests:jury", args=[ed.year]), reverse("contests:conflicts",
                                                              args=[ed.year])]
    urls += [reverse("contests:jury_application", args=[ed.year, a.code]) for a in apps]
    out = {}
    for lang in ("", "/ky", "/en"):
        for url in urls:
            r = client.get(lang + url)
            assert r.status_code == 200, url
            out[lang + url] = ("page", r.content.decode())
    for a in apps:
        for ev in a.evidence.all():
            url = reverse("contests:jury_file", args=[ed.year, a.code, ev.pk])
            r = client.get(url)
            assert r.status_code == 200, url
            out[url] = ("file", r.content)
            out[url + "#name"] = ("name", unquote(r["Content-Disposition"]))
    translation.activate("ru")  # a request leaves its language active for reverse()
    return out


def scan_all(seen, voc) -> dict[str, list[str]]:
    leaks = {}
    for url, (kind, content) in seen.items():
        if kind == "page":
            found = blind_scan.find(blind_scan.page_text(content), voc)
        elif kind == "name":
            found = blind_scan.find(content, voc)
        elif content.startswith(b"%PDF"):
            found = blind_scan.pdf_findings(content, voc)
        else:
            found = blind_scan.image_findings(content, voc)
        if found:
            leaks[url] = found
    return leaks


@pytest.mark.django_db
def test_no_name_on_any_jury_page_file_or_file_name(client, users, blind):
    client.force_login(users["jury"])
    seen = juror_sees(client, blind["edition"], [blind["a"], blind["b"]])
    voc = blind_scan.vocabulary()
    assert scan_all(seen, voc) == {}
    page = seen[reverse("contests:jury_application", args=[2026, blind["a"].code])][1]
    assert "64 человека (30 женщин), 11 предложений" in page  # the content is there
    assert "[муниципалитет]" in page and "[телефон]" in page
    files = [c for k, c in seen.values() if k == "file"]
    assert len(files) == 3 and files[1].startswith(b"\xff\xd8")  # the photo is still a JPEG
    names = [c for k, c in seen.values() if k == "name"]
    assert all("A-2026-001-" in n for n in names)


@pytest.mark.django_db
def test_the_scan_finds_what_the_originals_carry(blind):
    """The same scan on the uploaded originals: titles, authors, GPS, names in the text."""
    voc = blind_scan.vocabulary()
    minutes, photo, notice = (ev.file.open("rb").read() for ev in blind["a"].evidence.all())
    found = blind_scan.pdf_findings(minutes, voc)
    assert any("metadata: Асанов" in f for f in found)
    assert any("Жаны-Жольского" in f or "жаны-жольского" in f for f in found)
    assert any(f.startswith("text: phone") for f in found)
    assert "GPS kept" in blind_scan.image_findings(photo, voc)
    assert any("Жаны-Жол" in f for f in blind_scan.pdf_findings(notice, voc))
    assert blind_scan.find("Signin-sheet-Burgondu-AO.pdf", voc) == []  # not in this directory
    assert blind_scan.find("Dostuk AO: Жаны-Жол-2", voc) == ["Жаны-Жол-2 (as 'жаны-жол-2')"]


@pytest.mark.django_db
def test_a_weakened_anonymiser_makes_the_scan_fail(client, users, blind, monkeypatch):
    """Without its Russian and Kyrgyz inflection (exact spellings only) the anonymiser leaves
    «Асанову», «Первого», «Жаны-Жольского», «Жаңы-Жолдон»: the scan must say so."""
    from aimak.names import name_key
    from aimak_web.contests import anonymity

    monkeypatch.setattr(anonymity, "readings", lambda word: frozenset({name_key(word)}) - {""})
    monkeypatch.setattr(anonymity, "MAX_ENDING", 0)
    client.force_login(users["jury"])
    page = client.get(reverse("contests:jury_application", args=[2026, blind["a"].code]))
    found = blind_scan.find(blind_scan.page_text(page.content.decode()),
                            blind_scan.vocabulary())
    text = " ".join(found)
    for form in ("асанову", "первого", "жаны-жольского", "жаны-жолдон"):
        assert form in text, found


# --- k-anonymity of the shown facts ----------------------------------------------------------


def _api(client, path: str) -> list[dict]:
    out, url = [], path
    while url:
        data = client.get(url).json()
        out += data["results"]
        url = data.get("next")
    return out


def public_profiles(client, ed, munis) -> dict[str, dict | None]:
    """Oracle: per municipality code, its hearings held in the edition's hearing period as the
    open API shows them, summed up (written here, not taken from the presenter)."""
    hearings = [h for h in _api(client, "/api/hearings/")
                if h["state"] in ("meeting_held", "answers_published", "closed")
                and h["meeting_at"]
                and ed.hearings_from <= datetime.fromisoformat(h["meeting_at"])
                .astimezone(BISHKEK).date() <= ed.hearings_to]
    proposals: dict[int, int] = {}
    for p in _api(client, "/api/hearing-proposals/"):
        proposals[p["hearing"]] = proposals.get(p["hearing"], 0) + 1
    answered: dict[int, int] = {}
    for a in _api(client, "/api/hearing-answers/"):
        answered[a["hearing"]] = answered.get(a["hearing"], 0) + 1
    out: dict[str, dict | None] = dict.fromkeys(munis)
    for h in hearings:
        p = out.get(h["municipality"]) or {"hearings": 0, "notice_days": math.inf,
                                           "attendance": 0, "women": 0, "proposals": 0,
                                           "answered": 0}
        p["hearings"] += 1
        if h["notice_lead_days"] is not None:
            p["notice_days"] = min(p["notice_days"], h["notice_lead_days"])
        p["attendance"] += h["attendance_total"] or 0
        p["women"] += h["attendance_women"] or 0
        p["proposals"] += proposals.get(h["id"], 0)
        p["answered"] += answered.get(h["id"], 0)
        out[h["municipality"]] = p
    for p in filter(None, out.values()):
        p["women_share"] = p["women"] / p["attendance"] if p["attendance"] else None
        p["answered_share"] = p["answered"] / p["proposals"] if p["proposals"] else None
        if p["notice_days"] == math.inf:
            p["notice_days"] = None
    return out


def shown_facts(html: str) -> tuple[str, dict[str, tuple[float | None, float | None]]]:
    """What the jury page shows: ("withheld" | "none" | "held", fact -> [low, high))."""

    if 'data-testid="facts-withheld"' in html:
        return "withheld", {}
    if 'data-testid="no-facts"' in html:
        return "none", {}
    rows = re.findall(r'data-fact="(\w+)" data-low="([^"]*)" data-high="([^"]*)"', html)
    assert rows, "no facts table on the page"
    return "held", {k: (float(lo) if lo else None, float(hi) if hi else None)
                    for k, lo, hi in rows}


def matches(profile: dict | None, shown: tuple) -> bool:
    status, facts = shown
    if status == "withheld":
        return True
    if status == "none":
        return profile is None
    if profile is None:
        return False
    for key, (low, high) in facts.items():
        value = profile[key]
        if low is None:
            if value is not None:
                return False
        elif value is None or not low <= value < high:
            return False
    return True


def synthetic_edition(places, users, n_munis: int = 70, n_apps: int = 50, seed: int = 23):
    """A synthetic edition (labelled, tests only): ``n_munis`` municipalities with hearings
    held on the platform (random figures from a fixed seed), ``n_apps`` of them applying."""
    from aimak_web.hearings.models import Answer, Hearing, Proposal
    from aimak_web.places.models import Municipality

    rnd = random.Random(seed)
    ed = make_edition(2026, users["admin"], start=timezone.localdate() - timedelta(days=15))
    munis = list(Municipality.objects.bulk_create(
        Municipality(code=f"S{i:013d}", name_ru=f"Синтетический-{i} айыл аймагы",
                     name_ky=f"Синтетикалык-{i}", name_en=f"Synthetic-{i}", kind="ayil_aimak",
                     rayon=places["rayons"][i % 2], population=1000 + 37 * i,
                     population_source="estimated", population_ref=SYNTHETIC)
        for i in range(n_munis)))
    proposals, answers = [], []
    for i, m in enumerate(munis):
        for _j in range(1 if i % 5 else 2):
            meeting = ed.hearings_from + timedelta(days=rnd.randrange(5, 45))
            women, men = rnd.randrange(5, 120), rnd.randrange(5, 120)
            h = Hearing.objects.create(
                municipality=m, subject="draft_budget", year=2027, title_ru="Бюджет (синт.)",
                notice_date=meeting - timedelta(days=rnd.choice([3, 8, 12, 15, 21, 35])),
                meeting_at=datetime.combine(meeting, time(10), tzinfo=BISHKEK),
                meeting_place="—", state="closed", attendance_women=women,
                attendance_men=men)
            for _k in range(rnd.choice([0, 0, 2, 4, 7, 12])):
                proposals.append(Proposal(hearing=h, author=users["citizen"], title="Синт.",
                                          text="Синтетическое предложение."))
    proposals = Proposal.objects.bulk_create(proposals)
    now = timezone.now()
    for p in proposals:
        if rnd.random() < 0.7:
            answers.append(Answer(proposal=p, verdict="accepted", reason="Синт. ответ.",
                                  answered_by=users["municipal_staff"], published_at=now))
    Answer.objects.bulk_create(answers)
    for m in munis[:n_apps]:
        _apply(ed, m, users["municipal_staff"],
               f"Слушания (синтетическая заявка): {m.name_ru}, {m.name_ky}, {m.name_en}.")
    seat(ed, users["jury"])
    start_jury(ed, users["admin"])
    return ed


@pytest.mark.django_db
def test_shown_facts_are_shared_by_five_municipalities_in_a_synthetic_edition_of_50(
        client, places, users):
    from aimak_web.places.models import Municipality

    ed = synthetic_edition(places, users)
    apps = list(Application.objects.filter(edition=ed).select_related("municipality"))
    assert len(apps) == 50
    profiles = public_profiles(client, ed, Municipality.objects.values_list("code", flat=True))
    client.force_login(users["jury"])
    voc = blind_scan.vocabulary()
    shown_any = 0
    for app in apps:
        translation.activate("ru")
        html = client.get(reverse("contests:jury_application", args=[ed.year, app.code]))
        # each application names its municipality in ru, ky and en: the scan finds none
        assert blind_scan.find(blind_scan.page_text(html.content.decode()), voc) == []
        [summary] = re.findall(r'data-testid="summary">(.*?)</div>', html.content.decode())
        assert summary.count("[") == 3 and "Синтет" not in summary and "Synth" not in summary
        shown = shown_facts(html.content.decode())
        k = sum(matches(p, shown) for p in profiles.values())
        assert k >= 5, (app.code, shown, k)
        assert matches(profiles[app.municipality.code], shown)  # and it is true of the applicant
        shown_any += shown[0] == "held" and len(shown[1]) > 0
    assert shown_any == 50  # with 70 municipalities holding hearings, facts can be shown


@pytest.mark.django_db
def test_few_hearings_on_the_platform_show_nothing(client, places, users):
    """One municipality with a hearing among three: its facts (and even that it held one)
    would name it, so nobody's are shown."""
    from aimak_web.hearings.models import Hearing

    ed = make_edition(2026, users["admin"], start=timezone.localdate() - timedelta(days=15))
    Hearing.objects.create(
        municipality=places["a"], subject="draft_budget", year=2027, title_ru="Бюджет",
        notice_date=ed.hearings_from + timedelta(days=1), meeting_place="—", state="closed",
        meeting_at=datetime.combine(ed.hearings_from + timedelta(days=15), time(10),
                                    tzinfo=BISHKEK), attendance_women=30, attendance_men=34)
    a = _apply(ed, places["a"], users["municipal_staff"], "Слушания.")
    b = _apply(ed, places["b"], users["other_staff"], "Слушания.")
    assert a.auto_facts and not b.auto_facts
    seat(ed, users["jury"])
    start_jury(ed, users["admin"])
    client.force_login(users["jury"])
    for app in (a, b):
        html = client.get(reverse("contests:jury_application", args=[ed.year, app.code]))
        assert shown_facts(html.content.decode()) == ("withheld", {})


def test_the_pdf_and_image_checks_can_fail():
    voc = blind_scan.Vocabulary()
    voc.add("Маматов", "Маматов")
    pdf = pdf_with_metadata("Глава Маматов", title="Протокол", author="Маматов")
    found = blind_scan.pdf_findings(pdf, voc)
    assert "document information kept: Author" in found and "text: Маматов (as 'маматов')" in \
        found
    from PIL import Image

    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(0x8825)
    assert "GPS kept" in blind_scan.image_findings(jpeg_with_gps(), voc)


@pytest.mark.django_db
def test_every_application_of_the_demo(client, places, settings, tmp_path):
    """The demo as loaded (its example edition, its example hearing when the shared data is
    here), the demo staff member applying through the pages: every application's jury page and
    file passes the scan, and what it shows is shared by five municipalities."""
    from aimak_web.contests import services
    from aimak_web.contests.demo import load as load_contest
    from aimak_web.contests.models import Edition
    from aimak_web.core.demo import DEMO_MUNICIPALITY_CODE, DemoContext
    from aimak_web.demo.users import demo_users
    from aimak_web.places.models import Municipality

    demo_muni = Municipality.objects.create(
        code=DEMO_MUNICIPALITY_CODE, name_ru="Бюргонду айыл аймагы", name_ky="Бүргөндү",
        name_en="Burgondu", kind="ayil_aimak", rayon=places["rayons"][0])
    users = demo_users(demo_muni)
    # the real directory has some 450 municipalities; here six more (synthetic) make the four
    # of the test directory a population in which five can share a figure
    Municipality.objects.bulk_create(
        Municipality(code=f"S{i:013d}", name_ru=f"Синтетический-{i}", name_en=f"Synthetic-{i}",
                     kind="ayil_aimak", rayon=places["rayons"][1], population_ref=SYNTHETIC)
        for i in range(6))
    ctx = DemoContext(dataset=tmp_path, results=None, users=users, log=lambda s: None)
    from .test_hearings import _shared

    if _shared() is not None:
        from aimak_web.hearings.demo import load_demo

        settings.AIMAK_SHARED_DATA = str(_shared())
        load_demo(ctx)
    load_contest(ctx)
    ed = Edition.objects.get()
    client.force_login(users["municipal_staff"])
    client.post(reverse("contests:apply", args=[ed.year]), {
        "summary": "Бүргөндү айыл аймагында слушания провели в Бюргонду; тел. 0777 123 456.",
        "head_name": "Демо Глава"})
    client.post(reverse("contests:apply_evidence", args=[ed.year]), {
        "file": ContentFile(pdf_with_metadata("Протокол, Бюргонду", author="Демо Глава"),
                            name="Burgondu.pdf")})
    client.post(reverse("contests:apply_action", args=[ed.year]), {"action": "submit"})
    apps = list(Application.objects.filter(edition=ed, state="submitted"))
    assert len(apps) == 1 and apps[0].evidence.count() == 1
    with within(ed, "jury"):
        services.start_jury(ed, users["admin"])
        client.force_login(users["jury"])
        seen = juror_sees(client, ed, apps)
        assert scan_all(seen, blind_scan.vocabulary()) == {}
        profiles = public_profiles(client, ed,
                                   Municipality.objects.values_list("code", flat=True))
        for app in apps:
            html = client.get(reverse("contests:jury_application", args=[ed.year, app.code]))
            shown = shown_facts(html.content.decode())
            assert sum(matches(p, shown) for p in profiles.values()) >= 5


@pytest.mark.django_db
def test_figures_of_the_applicants_public_hearing_are_not_repeated_to_jurors(
        client, places, users):
    """a's hearing is public on the platform (64 people: 30 women, 34 men; 11 proposals; the
    notice 15 days ahead): the same figures and dates written in a's texts would find it with
    one lookup of /api/hearings/. The jury reads them masked; other numbers stay."""

    from babel.dates import format_date

    from aimak_web.hearings.models import Hearing, Proposal

    ed = make_edition(2026, users["admin"], start=timezone.localdate() - timedelta(days=15))
    meeting = ed.hearings_from + timedelta(days=20)
    notice = meeting - timedelta(days=15)
    h = Hearing.objects.create(
        municipality=places["a"], subject="draft_budget", year=2027, title_ru="Бюджет",
        notice_date=notice, meeting_place="—", state="closed",
        meeting_at=datetime.combine(meeting, time(10), tzinfo=BISHKEK), attendance_women=30,
        attendance_men=34)
    Proposal.objects.bulk_create(Proposal(hearing=h, author=users["citizen"], title="П.",
                                          text="Предложение.") for _ in range(11))
    summary = (f"Слушания {meeting:%d.%m.%Y}: пришли 64 человека (30 женщин и 34 мужчины), "
               f"внесено 11 предложений; объявление опубликовано "
               f"{format_date(notice, 'd MMMM', locale='ru')}, за 15 дней. "
               f"{format_date(meeting, 'long', locale='ky')} угууга 64 адам келди. "
               f"Пункт 7 положения выполнен, 2027 год.")
    a = _apply(ed, places["a"], users["municipal_staff"], summary,
               offline=f"Протокол от {meeting.isoformat()}, 11 предложений.")
    seat(ed, users["jury"])
    start_jury(ed, users["admin"])
    # the oracle: a's public figures as the open API gives them to anyone
    [public] = [x for x in _api(client, "/api/hearings/") if x["municipality"] == "T1000000000001"]
    n_proposals = sum(p["hearing"] == public["id"] for p in _api(client, "/api/hearing-proposals/"))
    numbers = {public["attendance_total"], public["attendance_women"], public["attendance_men"],
               public["notice_lead_days"], n_proposals}
    assert numbers == {64, 30, 34, 15, 11}
    days = {date.fromisoformat(public["notice_date"]),
            datetime.fromisoformat(public["meeting_at"]).astimezone(BISHKEK).date()}
    client.force_login(users["jury"])
    for lang in ("", "/ky"):
        html = client.get(lang + reverse("contests:jury_application", args=[2026, a.code]))
        html = html.content.decode()
        texts = [blind_scan.page_text(f"<main>{part}</main>") for part in re.findall(
            r'data-testid="(?:summary|offline)">(.*?)</div>', html, re.S)]
        text = " ".join(texts)
        for n in numbers:
            assert not re.search(rf"(?<![\d.,]){n}(?![\d.,]\d)", text), (n, text)
        for day in days:
            for form in (day.isoformat(), f"{day:%d.%m.%Y}", f"{day:%d.%m}",
                         format_date(day, "d MMMM", locale="ru"),
                         format_date(day, "d-MMMM", locale="ky")):
                assert form.lower() not in text.lower(), (form, text)
        assert "Пункт 7 положения" in text and "2027 год" in text  # other numbers stay
