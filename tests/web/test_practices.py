"""The practices portal: themes, submission and moderation, uploads, search on both backends,
catalogue facets, similar practices, open data, the digest, and query counts."""

from __future__ import annotations

import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from aimak_web.practices.models import (
    Attachment,
    Practice,
    Status,
    SubmitterType,
    SubTheme,
    Theme,
)
from aimak_web.practices.search import search, stems, to_cyrillic
from aimak_web.practices.themes import ensure_themes

from .perm_practices import make_practice


@pytest.fixture(autouse=True)
def _russian():
    """Reverse and render in Russian whatever an earlier test left active in this thread."""
    with translation.override("ru"):
        yield


def form_data(theme="services", subtheme="water", munis=(), **extra) -> dict:
    ensure_themes()
    sub = SubTheme.objects.get(theme__code=theme, code=subtheme)
    data = {"submitter_type": "citizen", "theme": sub.theme_id, "subtheme": sub.pk,
            "municipalities": [m.pk for m in munis], "period_start": "2022-03-01",
            "period_end": "2023-06-30", "title_ru": "Новые трубы водоснабжения",
            "problem_ru": "Трубы текли", "solution_ru": "Жители и айыл окмоту заменили трубы",
            "results_ru": "Вода круглый год", "cost_som": "1200000",
            "paid_by_ru": "местный бюджет", "contacts": "+996 555 000 000",
            "ev-TOTAL_FORMS": "1", "ev-INITIAL_FORMS": "0", "ev-MIN_NUM_FORMS": "0",
            "ev-MAX_NUM_FORMS": "20", "ev-0-label": "Домохозяйств с водой",
            "ev-0-value": "412", "ev-0-unit": "дворов",
            "ev-0-source": "отчёт айыл окмоту за 2023 год"}
    data.update(extra)
    return data


@pytest.mark.django_db
def test_the_five_themes_and_their_subthemes():
    ensure_themes()  # idempotent: the migration loaded them (unless a flush emptied them)
    ensure_themes()
    counts = {t.code: t.subthemes.count() for t in Theme.objects.all()}
    assert counts == {"services": 4, "finance": 3, "personnel": 3, "resources": 3,
                      "participation": 2}
    water = SubTheme.objects.get(code="water")
    assert (water.name_ru, water.name_ky) == ("Водоснабжение", "Суу менен камсыздоо")


@pytest.mark.django_db
def test_submit_moderate_publish_and_audit(client, places, users):
    citizen, moderator = users["citizen"], users["moderator"]
    client.force_login(citizen)
    r = client.post(reverse("practices:create"), form_data(munis=[places["a"]]))
    assert r.status_code == 302
    p = Practice.objects.get()
    assert p.status == Status.DRAFT and p.submitter == citizen and p.body is None
    assert [(e.label, int(e.value)) for e in p.evidence.all()] == [("Домохозяйств с водой", 412)]
    # a draft is not in the catalogue
    assert client.get(reverse("practices:index")).context["total"] == 0
    client.post(reverse("practices:transition", args=[p.pk, "submit"]))
    p.refresh_from_db()
    assert p.status == Status.SUBMITTED and p.submitted_at

    client.force_login(moderator)
    # asking for changes needs a comment
    client.post(reverse("practices:transition", args=[p.pk, "request_changes"]), {"text": " "})
    p.refresh_from_db()
    assert p.status == Status.SUBMITTED
    client.post(reverse("practices:transition", args=[p.pk, "start_review"]))
    client.post(reverse("practices:transition", args=[p.pk, "request_changes"]),
                {"text": "Укажите источник цифр"})
    p.refresh_from_db()
    assert (p.status, p.moderator_comment) == (Status.CHANGES_REQUESTED, "Укажите источник цифр")

    client.force_login(citizen)
    html = client.get(reverse("practices:edit", args=[p.pk])).content.decode()
    assert "Укажите источник цифр" in html
    data = form_data(munis=[places["a"]], action="submit", **{
        "ev-INITIAL_FORMS": "1", "ev-0-id": p.evidence.get().pk, "ev-0-practice": p.pk,
        "ev-0-source": "отчёт айыл окмоту за 2023 год, с. 4"})
    assert client.post(reverse("practices:edit", args=[p.pk]), data).status_code == 302
    p.refresh_from_db()
    assert p.status == Status.SUBMITTED
    assert p.evidence.get().source.endswith("с. 4")

    client.force_login(moderator)
    client.post(reverse("practices:transition", args=[p.pk, "publish"]))
    p.refresh_from_db()
    assert p.status == Status.PUBLISHED and p.published_at
    html = client.get(reverse("practices:detail", args=[p.pk])).content.decode()
    assert 'data-testid="published-by"' in html and citizen.full_name in html
    assert "prov-stated" in html  # the evidence figure shows its source, as stated
    # every step is in the audit trail with its actor
    changes = [(e.actor.username, json.loads(e.changes) if isinstance(e.changes, str)
                else e.changes) for e in LogEntry.objects.get_for_object(p).filter(
                    action=LogEntry.Action.UPDATE).order_by("pk")]
    steps = [(actor, c["status"][1]) for actor, c in changes if "status" in c]
    assert steps == [("citizen@test.local", "submitted"), ("moderator@test.local", "under_review"),
                     ("moderator@test.local", "changes_requested"),
                     ("citizen@test.local", "submitted"), ("moderator@test.local", "published")]


@pytest.mark.django_db
def test_rules_of_the_workflow(places, users):
    p = make_practice(users["citizen"], "submitted", munis=[places["a"]])
    with pytest.raises(PermissionDenied):
        p.publish(users["citizen"])
    with pytest.raises(PermissionDenied):
        p.publish(users["jury"])
    with pytest.raises(ValidationError):
        p.reject(users["moderator"], "")
    p.reject(users["moderator"], "Нет подтверждения результатов")
    assert (p.status, p.rejection_reason) == ("rejected", "Нет подтверждения результатов")
    with pytest.raises(ValidationError):  # a rejected practice is not published later
        p.publish(users["moderator"])
    # an LSG practice: staff of its municipality may edit it, staff of another may not
    q = make_practice(users["municipal_staff"], submitter_type="lsg", body=places["a"],
                      munis=[places["a"]])
    from aimak_web.practices.rules import can

    assert can(users["municipal_staff"], "practices.edit_practice", q)
    assert not can(users["other_staff"], "practices.edit_practice", q)
    assert not can(users["admin"], "practices.edit_practice", q)


@pytest.mark.django_db
def test_form_errors_beside_the_field(client, places, users):
    client.force_login(users["citizen"])
    bad = form_data(munis=[places["a"]], subtheme="water", period_end="2021-01-01")
    bad["subtheme"] = SubTheme.objects.get(code="land").pk
    r = client.post(reverse("practices:create"), bad)
    assert r.status_code == 200 and Practice.objects.count() == 0
    form = r.context["form"]
    assert "subtheme" in form.errors and "period_end" in form.errors
    html = r.content.decode()
    assert "Эта подтема относится к другой теме" in html or "another theme" in html
    # a municipality's staff submitting as its body must include their own municipality
    client.force_login(users["municipal_staff"])
    r = client.post(reverse("practices:create"), form_data(munis=[places["c"]],
                                                           submitter_type="lsg"))
    assert r.status_code == 200 and "municipalities" in r.context["form"].errors
    # a citizen cannot submit as a local self-government body
    client.force_login(users["citizen"])
    r = client.post(reverse("practices:create"), form_data(munis=[places["a"]],
                                                           submitter_type="lsg"))
    assert "submitter_type" in r.context["form"].errors


def _png(w: int, h: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (w, h), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_uploads_checked_and_images_resized(client, places, users):
    from PIL import Image

    p = make_practice(users["citizen"], munis=[places["a"]])
    client.force_login(users["citizen"])
    url = reverse("practices:attach", args=[p.pk])
    client.post(url, {"file": SimpleUploadedFile("photo.png", _png(3200, 2000)),
                      "caption": "новая скважина"})
    a = Attachment.objects.get()
    with Image.open(a.file.path) as img:
        assert img.size == (1600, 1000)
    assert a.kind == "photo"
    # a text file named like a photo, a fake PDF, an unknown type, a too large file: refused
    for name, content in [("photo.jpg", b"not an image"), ("report.pdf", b"hello"),
                          ("tool.exe", b"MZ\x90\x00"), ("big.pdf", b"%PDF" + b"0" * (5 << 20))]:
        r = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
        assert r.status_code == 200
        assert "Traceback" not in r.content.decode()
    assert Attachment.objects.count() == 1
    client.post(url, {"file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 minimal")})
    assert Attachment.objects.filter(kind="document").count() == 1


# --- search: the same cases on PostgreSQL and on SQLite ---------------------------------------


@pytest.fixture
def corpus(places, users):
    staff, citizen = users["municipal_staff"], users["citizen"]
    water = make_practice(
        staff, "published", "lsg", body=places["a"], munis=[places["a"]],
        title_ru="Восстановление водоснабжения в селе",
        problem_ru="Старые трубы водоснабжения ломались каждую зиму.",
        solution_ru="Заменили магистраль.", results_ru="Вода круглый год.",
        title_ky="Айылда суу түтүктөрүн калыбына келтирүү",
        results_ky="Суу үзгүлтүксүз берилет.")
    waste = make_practice(
        citizen, "published", munis=[places["c"]], subtheme="waste",
        title_ru="Вывоз мусора по графику", problem_ru="Стихийные свалки у реки.",
        solution_ru="График вывоза и контейнеры.",
        results_ru="Жалоб стало меньше; на водоснабжение свалки больше не влияют.")
    draft = make_practice(citizen, munis=[places["a"]], title_ru="Черновик о водоснабжении")
    return {"water": water, "waste": waste, "draft": draft}


SEARCH_CASES = [
    ("водоснабжение", ["water", "waste"]),  # the title outranks a mention in the results
    ("водоснабжения", ["water", "waste"]),  # another word form
    ("ВОДОСНАБЖЕНИЮ", ["water", "waste"]),
    ("түтүктөрүн", ["water"]),  # a Kyrgyz word
    ("суу", ["water"]),
    ("vodosnabzhenie", ["water", "waste"]),  # typed in Latin letters
    ("musor", ["waste"]),
    ("свалки", ["waste"]),
    ("канализация", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize("query,expected", SEARCH_CASES)
def test_search_word_forms_kyrgyz_and_latin(corpus, query, expected):
    qs = Practice.objects.filter(status=Status.PUBLISHED)
    found = [p.pk for p in search(qs, query)]
    assert found == [corpus[k].pk for k in expected], (connection.vendor, query)


def test_stems_and_spelling():
    assert stems("водоснабжение") == stems("водоснабжения") == ["водоснабжен"]
    assert to_cyrillic("vodosnabzhenie") == "водоснабжение"
    assert to_cyrillic("Жаңы jol") == "жаңы жол"


@pytest.mark.django_db
def test_catalogue_facets_and_search_page(client, corpus, places):
    url = reverse("practices:index")
    assert client.get(url).context["total"] == 2
    assert [p.pk for p in client.get(url, {"q": "водоснабжения"}).context["page"]] == [
        corpus["water"].pk, corpus["waste"].pk]
    assert client.get(url, {"theme": "services", "submitter": "lsg"}).context["total"] == 1
    assert client.get(url, {"rayon": places["rayons"][1].code}).context["total"] == 1
    assert client.get(url, {"oblast": places["oblast"].code}).context["total"] == 2
    assert client.get(url, {"kind": "town"}).context["total"] == 0
    assert client.get(url, {"year": "2023"}).context["total"] == 2
    assert client.get(url, {"year": "2021"}).context["total"] == 0
    html = client.get(reverse("practices:detail", args=[corpus["water"].pk])).content.decode()
    assert 'data-testid="similar"' in html and "Вывоз мусора" in html
    r = client.get(reverse("practices:print", args=[corpus["water"].pk]))
    assert b"print.css" in r.content and b"<script>" not in r.content


@pytest.mark.django_db
def test_practice_published_without_a_date_in_open_data_and_feed(client, places, users):
    """A published practice whose publication date is missing (set outside the workflow)
    is in the open data with an empty date (unknown, not invented) and in the feed dated by
    its last change; neither fails."""
    from xml.etree import ElementTree

    from django.utils.dateparse import parse_datetime

    p = make_practice(users["citizen"], "published", title_ru="Без даты")
    Practice.objects.filter(pk=p.pk).update(published_at=None)
    p.refresh_from_db()
    r = client.get(reverse("practices:open_json"))
    assert r.status_code == 200
    assert [(x["id"], x["published_at"]) for x in r.json()["practices"]] == [(p.pk, "")]
    r = client.get(reverse("practices:open_csv"))
    assert r.status_code == 200 and "Без даты" in r.content.decode("utf-8-sig")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    [entry] = ElementTree.fromstring(client.get(reverse("practices:feed")).content).findall(
        "a:entry", ns)
    assert parse_datetime(entry.findtext("a:published", namespaces=ns)) == p.updated_at
    assert parse_datetime(entry.findtext("a:updated", namespaces=ns)) == p.updated_at


@pytest.mark.django_db
def test_published_practice_never_shows_the_submitters_contacts(client, places, users):
    """The published page credits the practice to its submitter's name; an account without a
    full name must not put its e-mail, phone or login there instead (the body's name or the
    role it was submitted as stands in)."""
    staff = users["municipal_staff"]
    staff.phone = "+996555000888"
    staff.save()
    mine = make_practice(staff, "published", "lsg", body=places["a"], title_ru="Наша практика")
    theirs = make_practice(users["citizen"], "published", title_ru="Практика жителя")
    users["citizen"].full_name = ""
    users["citizen"].save()
    staff.full_name = ""
    staff.save()
    for p, stand_in in ((mine, places["a"].name_ru), (theirs, str(SubmitterType.CITIZEN.label))):
        for name in ("practices:detail", "practices:print"):
            html = client.get(reverse(name, args=[p.pk])).content.decode()
            assert f"автор: {stand_in}," in html, (p, name)
            for contact in ("@test.local", "555000888", "555000001"):
                assert contact not in html, (p, name, contact)


@pytest.mark.django_db
def test_open_data_feed_api_and_municipality_section(client, corpus, places):
    rows = client.get(reverse("practices:open_json")).json()["practices"]
    assert sorted(r["id"] for r in rows) == sorted([corpus["water"].pk, corpus["waste"].pk])
    csv_text = client.get(reverse("practices:open_csv")).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("id,title_ru,title_ky,theme")
    assert len(csv_text.strip().splitlines()) == 3 and "Черновик" not in csv_text
    feed = client.get(reverse("practices:feed")).content.decode()
    assert "<feed" in feed and "Восстановление водоснабжения" in feed and "Черновик" not in feed
    api = client.get("/api/practices/").json()
    assert api["count"] == 2 and {r["theme"] for r in api["results"]} == {"services"}
    html = client.get(reverse("places:municipality", args=[places["a"].code])).content.decode()
    assert 'data-testid="municipality-practices"' in html and "Восстановление" in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["practices:index", "practices:detail", "practices:edition",
                                  "practices:open_json"])
def test_query_count_does_not_grow_with_rows(client, places, users, name):
    """No N+1: the same number of queries with 2 and with 12 published practices."""
    from aimak_web.practices.models import Entry

    from .perm_practices import make_edition

    ed = make_edition()

    def add(n):
        for _i in range(n):
            p = make_practice(users["citizen"], "published", munis=[places["a"], places["b"]])
            Entry.objects.create(edition=ed, practice=p, category=ed.categories.get(
                code="citizens"))
        return p

    first = add(2)
    args = {"practices:detail": [first.pk], "practices:edition": [ed.pk]}.get(name, [])
    url = reverse(name, args=args)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    add(10)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before) <= 25, [q["sql"] for q in after.captured_queries]


@pytest.mark.django_db
def test_demo_loader_themes_and_example_edition_no_practices(client, places):
    from aimak_web.core.demo import DemoContext, loaders
    from aimak_web.practices.demo import load_demo
    from aimak_web.practices.models import Edition

    assert load_demo in loaders()
    logged = []
    load_demo(DemoContext(dataset=None, results=None, log=logged.append))
    load_demo(DemoContext(dataset=None, results=None, log=logged.append))  # idempotent
    ed = Edition.objects.get()
    assert ed.is_example and ed.vote_is_open() and ed.accepts_entries()
    assert sorted(c.prizes[0] for c in ed.categories.all()) == [25000, 150000]
    assert Theme.objects.count() == 5 and Practice.objects.count() == 0
    html = client.get(reverse("practices:edition", args=[ed.pk])).content.decode()
    assert html.count("prov-example") >= 5  # the title, both windows, both prizes
    assert any(f"150{s}000" in html for s in ("\u202f", "\u00a0", " ", ","))


@pytest.mark.django_db
def test_kyrgyz_pages_and_no_inline_code(client, corpus, users):
    html = client.get("/ky" + reverse("practices:index")).content.decode()
    assert "Жергиликтүү өз алдынча башкаруунун мыкты тажрыйбалары" in html
    html = client.get(f"/ky/practices/{corpus['water'].pk}/").content
    assert "Айылда суу түтүктөрүн калыбына келтирүү" in html.decode()
    client.force_login(users["citizen"])
    translation.activate("ru")
    for url in (reverse("practices:index"), reverse("practices:create"),
                reverse("practices:detail", args=[corpus["water"].pk]),
                reverse("practices:print", args=[corpus["water"].pk]),
                reverse("practices:contest"), reverse("journal:subscription")):
        page = client.get(url).content.decode()
        assert "<script>" not in page and " style=" not in page and "<style" not in page, url


@pytest.mark.django_db
def test_every_control_of_the_practice_form_has_a_label(client, places, users):
    """axe-core's "label" rule (critical) on /practices/new/: the evidence rows' inputs had
    none; every control, the evidence rows' and the delete boxes of saved rows included, is
    named for a screen reader."""
    from .labels import unlabelled

    client.force_login(users["citizen"])
    for lang in ("ru", "ky"):
        with translation.override(lang):
            url = reverse("practices:create")
        assert unlabelled(client.get(url).content.decode()) == [], lang
    p = make_practice(users["citizen"], "draft")
    p.evidence.create(label="Дворов с водой", value=412, unit="дворов", source="отчёт")
    html = client.get(reverse("practices:edit", args=[p.pk])).content.decode()
    assert unlabelled(html) == []
