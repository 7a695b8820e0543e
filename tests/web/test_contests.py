"""The contest app: workflow, blind judging (anonymity scan), results, documents, queries."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from aimak_web.contests import services
from aimak_web.contests.anonymity import Anonymiser
from aimak_web.contests.models import Application, Edition, Score, TransitionError

from .perm_contests import (
    CONTACT_A,
    HEAD_A,
    OFFLINE_A,
    SUMMARY_A,
    approve,
    close_jury,
    evidence_pdf,
    make_edition,
    score_all,
    seat,
    start_jury,
    submit_application,
    within,
)


@pytest.fixture(autouse=True)
def _russian():
    """Pages in Russian unless a test asks otherwise (the language of a request lingers)."""
    translation.activate("ru")
    yield
    translation.activate("ru")


# --- the anonymiser (the independent scan is in test_contests_blind.py) ----------


@pytest.fixture
def contest(places, users):
    """2026 in jury scoring today: a (with names everywhere, a file) and b applied; jury
    seated."""
    ed = make_edition(2026, users["admin"], start=timezone.localdate() - timedelta(days=15))
    a = submit_application(ed, places["a"], users["municipal_staff"], summary=SUMMARY_A,
                           offline=OFFLINE_A, head=HEAD_A, contact=CONTACT_A,
                           evidence_name="Протокол_Жаны-Жол_2026.pdf")
    b = submit_application(ed, places["b"], users["other_staff"],
                           summary="Слушания в Кок-Алма айыл аймагы, 40 человек.")
    member = seat(ed, users["jury"])
    start_jury(ed, users["admin"])
    return {"edition": ed, "a": a, "b": b, "member": member}


@pytest.mark.django_db
def test_anonymiser_replaces_spellings_inflections_and_every_place(places):
    anon = Anonymiser(places["a"], ["Асанов Бакыт"])
    text = anon.text("Жаны-Жольский АО, Jany-Jol, Джаны-Джол-2, Первого района, Бакыту, "
                     "Асанову, в селе Ак-Суу, тел. 0555 12 34 56, a@b.kg, Жаңы-Жолдон")
    for name in ("Жаны", "Jany", "Джаны", "Первого", "Бакыт", "Асанов", "Ак-Суу", "0555",
                 "a@b.kg", "Жаңы"):
        assert name not in text, (name, text)
    # the applicant's own places by kind, another municipality as a place
    assert text.count("[муниципалитет]") == 3 and "[район] района" in text
    assert "в селе [место]" in text and "[телефон]" in text
    assert anon.text("Бюджет на первое полугодие") == "Бюджет на [район] полугодие"  # safe side


@pytest.mark.django_db
def test_anonymiser_hides_document_numbers_dates_and_initials(places):
    """A council decision's number and date, hearing dates and an official's initials are found
    on the municipality's public pages: the jury reads none of them (found by hand in the demo
    walk), in either language, and figures that say nothing stay."""
    anon = Anonymiser(places["a"])
    ru = anon.text("Решение кенеша №8 от 16.02.2023; № 12-3; No. 8. Глава Т.Б. и Т. Б. провели "
                   "слушания 12 марта 2026 года и 2026-03-12, пришли 64 человека.")
    assert ru == ("Решение кенеша [номер документа] от [дата]; [номер документа]; "
                  "[номер документа]. Глава [должностное лицо] и [должностное лицо] провели "
                  "слушания [дата] и [дата], пришли 64 человека."), ru
    with translation.override("ky"):
        ky = anon.text("Кеңештин 2023-жылдын 16-февралындагы №8 токтому, 16-февраль.")
    assert ky == "Кеңештин [күн] [документтин номери] токтому, [күн].", ky


@pytest.mark.django_db
def test_anonymiser_leaves_the_ordinary_words_of_a_hearing_text(places):
    """The demo walk found «айыл», «тел.», «акими», «колдоду», «Кеңештин», «токтому», «кенеша»
    masked: the village «Кенеш» (a real one, in Chui) and words of the contact field made names
    of them. Ordinary words stay; the names around them still go."""
    from aimak_web.places.models import Settlement

    Settlement.objects.create(code="T-kenesh", name_ru="Кенеш", name_ky="Кеңеш",
                              name_en="Kenesh", kind="village", municipality=places["b"],
                              lat=41.05, lon=72.3, population=900, population_year=2018,
                              population_source="estimated", population_ref="synthetic")
    anon = Anonymiser(places["a"], ["Асанов Токтосун", "Асанов Токтосун, айыл өкмөтү, тел."])
    with translation.override("ky"):
        ky = anon.text("Жаңы-Жол айыл аймагында башчы Асанов Токтосун жыйын өткөрдү, тел. "
                       "0555 12 34 56. Аким колдоду, акими колдоду. Кеңештин токтому, "
                       "Кеңешке, Көк-Алма.")
    for word in ("айыл аймагында башчы", "жыйын өткөрдү, тел.", "Аким колдоду, акими колдоду",
                 "Кеңештин токтому", "Кеңешке"):
        assert word in ky, (word, ky)
    for name in ("Жаңы-Жол", "Асанов", "Токтосун", "0555", "Көк-Алма"):
        assert name not in ky, (name, ky)
    ru = anon.text("Решение кенеша поддержал аким села Кенеш; глава Асанов.")
    assert ru == "Решение кенеша поддержал аким села Кенеш; глава [должностное лицо].", ru


@pytest.mark.django_db
def test_anonymiser_knows_a_renamed_municipality_at_once(places):
    """A place renamed after the names were read (an edit in the admin, a re-import) is hidden
    by its new name straight away: the directory is rebuilt when any name changes, not only when
    places are added or removed."""
    assert "Кок-Алма" not in Anonymiser(places["a"]).text("Соседи: Кок-Алма айыл аймагы.")
    type(places["b"]).objects.filter(pk=places["b"].pk).update(name_ru="Тогуз-Булак")
    text = Anonymiser(places["a"]).text("Соседи: Тогуз-Булак айыл аймагы.")
    assert "Тогуз-Булак" not in text, text


# --- the workflow ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_application_code_lock_withdraw(places, users):
    ed = make_edition(2026, users["admin"])
    a = submit_application(ed, places["a"], users["municipal_staff"])
    b = submit_application(ed, places["b"], users["municipal_staff"])
    assert (a.code, b.code) == ("A-2026-001", "A-2026-002")
    assert a.locked and a.auto_facts == []  # no platform hearings (yet)
    services.withdraw(a)
    assert a.state == Application.State.WITHDRAWN
    services.reopen(a)
    services.submit(a)
    assert a.code == "A-2026-001"  # keeps its code
    with pytest.raises(TransitionError, match="жюри"), within(ed, "jury"):
        services.start_jury(ed, users["admin"])  # no jury yet
    seat(ed, users["jury"])
    start_jury(ed, users["admin"])
    with pytest.raises(TransitionError), within(ed, "jury"):
        services.withdraw(b)
    with pytest.raises(TransitionError):
        services.open_applications(ed, users["admin"])


@pytest.mark.django_db
def test_apply_via_pages_and_bad_input(client, places, users):
    ed = make_edition(2026, users["admin"])
    client.force_login(users["municipal_staff"])
    url = reverse("contests:apply", args=[ed.year])
    r = client.post(url, {"summary": ""})
    assert r.status_code == 200 and 'data-testid="error-summary"' in r.content.decode()
    r = client.post(url, {"summary": "Слушания 12 июля.", "head_name": "X"})
    assert r.status_code == 302
    app = Application.objects.get(edition=ed)
    assert app.state == "draft" and app.created_by == users["municipal_staff"]
    # a file that says PDF but is not: refused next to the field, nothing saved
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("protokol.pdf", b"MZ not a pdf")
    r = client.post(reverse("contests:apply_evidence", args=[ed.year]), {"file": fake})
    assert r.status_code == 400 and 'data-testid="error-file"' in r.content.decode()
    assert app.evidence.count() == 0
    for name, data, message in [
            ("protokol.pdf", b"%PDF-1.4 minutes", "Файл не читается"),  # a damaged PDF
            ("protokol.docx", b"PK\x03\x04", "сохраните документ в PDF")]:  # no converter
        r = client.post(reverse("contests:apply_evidence", args=[ed.year]),
                        {"file": SimpleUploadedFile(name, data)})
        assert r.status_code == 400 and message in r.content.decode()
    assert app.evidence.count() == 0
    good = SimpleUploadedFile("protokol.pdf", evidence_pdf())
    client.post(reverse("contests:apply_evidence", args=[ed.year]), {"file": good})
    assert app.evidence.count() == 1
    r = client.post(reverse("contests:apply_action", args=[ed.year]), {"action": "submit"})
    app.refresh_from_db()
    assert app.state == "submitted" and app.code == "A-2026-001"
    assert "A-2026-001" in client.get(url).content.decode()
    # locked: no more changes
    assert client.post(url, {"summary": "changed"}).status_code == 403
    # staff of another municipality do not see or change it
    client.force_login(users["other_staff"])
    html = client.get(url).content.decode()
    assert "A-2026-001" not in html


@pytest.mark.django_db
def test_recusal_refuses_the_application_and_scores_are_hidden(client, users, contest, places):
    ed, a, b, member = contest["edition"], contest["a"], contest["b"], contest["member"]
    client.force_login(users["jury"])
    r = client.post(reverse("contests:conflicts", args=[ed.year]), {"codes": "a-2026-001"})
    assert r.status_code == 302
    assert member.is_recused(a) and not member.is_recused(b)
    assert client.get(reverse("contests:jury_application",
                              args=[ed.year, a.code])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.record_scores(member, a, {ed.criteria.first(): (5, "")})
    r = client.post(reverse("contests:conflicts", args=[ed.year]), {"codes": "A-2026-999"})
    assert "A-2026-999" in r.content.decode() and r.status_code == 200
    # a rayon declared by name, in another spelling, removes b too (both are in rayon 1)
    client.post(reverse("contests:conflicts", args=[ed.year]), {"rayon": "Первый"})
    assert member.is_recused(b)


@pytest.mark.django_db
def test_whole_edition_by_hand(client, users, contest, django_user_model):
    """Three members; one recused from a. Known answer computed by hand."""
    from aimak_web.accounts.models import Role

    ed, a, b, m1 = contest["edition"], contest["a"], contest["b"], contest["member"]
    j2 = django_user_model.objects.create(username="j2", full_name="Juror Two", role=Role.JURY)
    j3 = django_user_model.objects.create(username="j3", full_name="Juror Three", role=Role.JURY)
    m2, m3 = seat(ed, j2), seat(ed, j3)
    m3.conflict_applications.add(a)
    # weights 2 (order 1) and 1 (order 2)
    score_all(m1, a, {1: 4, 2: 3})
    score_all(m2, a, {1: 5, 2: 1})
    score_all(m1, b, {1: 3, 2: 3})
    score_all(m2, b, {1: 4, 2: 5})
    score_all(m3, b, {1: 5, 2: 5})
    score_all(m1, b, {1: 3, 2: 4})  # a revision: (3+4+5)/3 = 4 and (4+5+5)/3 = 14/3
    # progress without scores
    client.force_login(users["admin"])
    html = client.get(reverse("contests:jurors", args=[ed.year])).content.decode()
    assert html.count("2 / 2") == 2 and "1 / 1" in html
    # who has scored what: m3 has a conflict with a and scored b; nobody sees a score
    assert html.count('class="cell-recused"') == 1 and html.count('class="cell-done"') == 5
    assert client.get(reverse("contests:review", args=[ed.year])).status_code == 403
    # other members' scores hidden while the jury is open
    client.force_login(users["jury"])
    page = client.get(reverse("contests:jury_application", args=[ed.year, b.code]))
    assert "Juror Two" not in page.content.decode()
    close_jury(ed, users["admin"])
    page = client.get(reverse("contests:jury_application", args=[ed.year, b.code]))
    assert "Juror Two" in page.content.decode()
    with pytest.raises(PermissionDenied):
        services.record_scores(m1, b, {ed.criteria.first(): (1, "")})
    # a: (2*4.5 + 2)/3 = 11/3 = 3.67; b: (2*4 + 14/3)/3 = 38/9 = 4.22
    client.force_login(users["admin"])
    review = client.get(reverse("contests:review", args=[ed.year])).content.decode()
    assert "4,22" in review or "4.22" in review
    # W over m1 and m2 (m3 scored b only): m1 ranks a (11/3) over b (10/3), m2 b (13/3) over
    # a (11/3): rank sums 3 and 3, S = 0, W = 0
    assert re.search(r'data-testid="kendall".*<strong>0[,.]00</strong>', review)
    from aimak_web.contests.results import fairness

    fair = fairness(ed)
    assert (fair["kendalls_w"], fair["w_jurors"], fair["w_entries"]) == (0.0, 2, 2)
    ed.refresh_from_db()
    approve(ed, users["admin"])
    rows = {r["code"]: r for r in Edition.objects.get(pk=ed.pk).approved_results}
    assert rows[b.code]["rank"] == 1 and rows[b.code]["prize"] == 300_000
    assert rows[a.code]["rank"] == 2 and rows[a.code]["prize"] == 150_000
    assert rows[a.code]["score"] == pytest.approx(11 / 3)
    assert rows[b.code]["score"] == pytest.approx(38 / 9)
    assert rows[a.code]["n_jurors"] == 2
    # audit trail: the revision is recorded
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_model(Score).filter(action=LogEntry.Action.UPDATE).exists()
    # public results with names revealed, certificates in both languages, XLSX
    client.logout()
    html = client.get(reverse("contests:edition", args=[ed.year])).content.decode()
    assert "Жаны-Жол айыл аймагы" in html
    assert re.search(r"300[\s,\u00a0\u202f]000", html)
    for lang in ("ru", "ky"):
        r = client.get(reverse("contests:certificate", args=[ed.year, b.code, lang]))
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        import pypdfium2

        text = pypdfium2.PdfDocument(r.content)[0].get_textpage().get_text_range()
        assert "300" in text
        assert ("Кок-Алма" if lang == "ru" else "Көк-Алма") in text
    client.force_login(users["admin"])
    from openpyxl import load_workbook

    # open data: the approved results, and nothing of an unpublished edition
    api = client.get("/api/contest-results/").json()["results"]
    assert [e["year"] for e in api] == [2026]
    assert [(r["code"], r["rank"], r["prize"]) for r in api[0]["results"]] == [
        (b.code, 1, 300_000), (a.code, 2, 150_000)]
    # the winner's municipality page lists its result
    page = client.get(reverse("places:municipality", args=[b.municipality.code])).content.decode()
    assert 'data-testid="contest-section"' in page and "4,22" in page
    wb = load_workbook(io.BytesIO(client.get(reverse("contests:export", args=[ed.year])).content))
    assert wb["Оценки"].max_row == 1 + 2 * 5  # 5 complete score sheets of 2 criteria
    ranks = [(r[0].value, r[1].value) for r in wb["Итоги"].iter_rows(min_row=2)]
    assert ranks == [(1, b.code), (2, a.code)]



@pytest.mark.django_db
def test_the_results_api_names_municipalities_in_english_too(client, users, places):
    """Like /api/municipalities/ (name_ru, name_ky, name_en), the results give the English name;
    rows approved before it was kept take it from the places directory. The web page in
    English shows it as well."""
    ed = make_edition(2025, users["admin"])
    a, b = places["a"], places["b"]
    kept = {"category": "", "score": 4.0, "n_jurors": 3, "prize": None}
    Edition.objects.filter(pk=ed.pk).update(state=Edition.State.PUBLISHED, approved_results=[
        {**kept, "rank": 1, "code": "K-01", "municipality_code": a.code,
         "municipality_ru": a.name_ru, "municipality_ky": a.name_ky, "municipality_en": "Jany-Jol"},
        {**kept, "rank": 2, "code": "K-02", "municipality_code": b.code,  # approved long ago
         "municipality_ru": b.name_ru, "municipality_ky": b.name_ky}])
    rows = client.get("/api/contest-results/2025/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [(r["code"], r["municipality_ky"], r["municipality_en"]) for r in rows] == [
        ("K-01", "Жаңы-Жол", "Jany-Jol"), ("K-02", "Көк-Алма", "Kok-Alma")]
    page = client.get(f"/en{reverse('contests:edition', args=[2025])}").content.decode()
    assert "Kok-Alma" in page and "Кок-Алма айыл аймагы" not in page

@pytest.mark.django_db
def test_queries_bounded(client, users, contest, places, django_user_model):
    from aimak_web.accounts.models import Role

    ed = contest["edition"]
    client.force_login(users["admin"])

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    url = reverse("contests:jurors", args=[ed.year])
    before = count(url)
    for i in range(4):
        u = django_user_model.objects.create(username=f"jx{i}", role=Role.JURY)
        seat(ed, u)
    assert count(url) == before
    jury_url = reverse("contests:jury", args=[ed.year])
    app_url = reverse("contests:jury_application", args=[ed.year, contest["a"].code])
    client.force_login(users["jury"])
    # bounds include the navigation's desk links (a query or two per page); what matters is
    # that they do not grow with the data, checked below
    assert count(jury_url) <= 18
    before_app = count(app_url)
    assert before_app <= 30  # the presenter counts the public hearings once per page
    # more applications, files and scores: the same number of queries per page
    from aimak_web.places.models import Municipality

    extra = Municipality.objects.create(code="T9", name_ru="Дополнительный", name_en="Extra",
                                        kind="ayil_aimak", rayon=places["rayons"][1])
    Edition.objects.filter(pk=ed.pk).update(state=Edition.State.APPLICATIONS)
    ed.refresh_from_db()
    new = submit_application(ed, extra, users["other_staff"], evidence_name="x.pdf")
    Edition.objects.filter(pk=ed.pk).update(state=Edition.State.JURY)
    ed.refresh_from_db()
    for i, app in enumerate((contest["a"], contest["b"], new)):
        score_all(contest["member"], app, {1: 3 + i, 2: 4})
    assert count(jury_url) <= 18
    assert count(app_url) == before_app
    close_jury(ed, users["admin"])
    client.force_login(users["admin"])
    review_url = reverse("contests:review", args=[ed.year])
    before_review = count(review_url)
    assert before_review <= 23
    approve(ed, users["admin"])
    client.logout()
    assert count(reverse("contests:edition", args=[ed.year])) <= 13


@pytest.mark.django_db
def test_demo_loader_marks_the_example_and_invents_no_application(client, users, tmp_path):
    from aimak_web.contests.demo import load
    from aimak_web.core.demo import DemoContext, loaders

    assert load in loaders()
    load(DemoContext(dataset=tmp_path, results=None, users=users, log=lambda s: None))
    ed = Edition.objects.get()
    assert ed.is_example and ed.state == Edition.State.APPLICATIONS
    assert ed.prize_bands == {"": [300_000, 55_000]}  # the documented 2021 range's two ends
    assert Application.objects.count() == 0
    html = client.get(reverse("contests:edition", args=[ed.year])).content.decode()
    assert "prov-example" in html and "ПРИМЕР" in html


@pytest.mark.django_db
def test_prizes_by_size_category(places, users):
    """a (5,200 people) is large and b (3,100) small at a threshold of 4,000: each wins its
    category's first prize although b scores lower."""
    from aimak_web.contests.results import compute

    ed = make_edition(2026, users["admin"], state="setup")
    ed.category_threshold = 4000
    ed.prize_bands = {"small": [100_000], "large": [200_000, 55_000]}
    ed.save()
    services.open_applications(ed, users["admin"])
    a = submit_application(ed, places["a"], users["municipal_staff"])
    b = submit_application(ed, places["b"], users["municipal_staff"])
    assert (a.category, b.category) == ("large", "small")
    member = seat(ed, users["jury"])
    start_jury(ed, users["admin"])
    score_all(member, a, {1: 5, 2: 5})
    score_all(member, b, {1: 1, 2: 1})
    rows = {r.code: (r.rank, r.prize) for r in compute(ed)}
    assert rows == {a.code: (1, 200_000), b.code: (1, 100_000)}


@pytest.mark.django_db
def test_platform_facts_kept_without_hearing_id_and_subject_translated(places, monkeypatch):
    import sys
    import types
    from datetime import date

    from aimak_web.contests.facts import display, platform_facts

    # no hearings app (or no hearing of a on it): no facts
    assert platform_facts(places["a"], date(2026, 6, 1), date(2026, 8, 31)) == []
    fake = types.ModuleType("aimak_web.hearings.figures")
    fake.municipality_facts = lambda m, a, b: [{
        "hearing_id": 41, "subject": "draft_budget", "notice_date": date(2026, 7, 1),
        "meeting_date": date(2026, 7, 16), "notice_lead_days": 15, "attendance_women": 30,
        "attendance_men": 34, "attendance_total": 64, "proposals": 4, "answered_share": 0.75,
        "minutes_published": True, "is_example": False}]
    monkeypatch.setitem(sys.modules, "aimak_web.hearings.figures", fake)
    facts = platform_facts(places["a"], date(2026, 6, 1), date(2026, 8, 31))
    assert "hearing_id" not in facts[0] and facts[0]["meeting_date"] == "2026-07-16"
    [shown] = display(facts)
    assert shown["subject"] == "проект бюджета"  # the key said in the reader's language
    values = dict((str(k), v) for k, v in shown["rows"])
    assert "75 %" in values.values() and "64" in values.values()


@pytest.mark.django_db
def test_posting_is_rate_limited(client, users, contest, settings, one_rate_window):
    from django.core.cache import cache

    cache.clear()
    settings.RATELIMIT_ENABLE = True
    client.force_login(users["jury"])
    url = reverse("contests:conflicts", args=[contest["edition"].year])
    statuses = [client.post(url, {"codes": "nope"}).status_code for _ in range(32)]
    assert statuses[:30] == [200] * 30  # the form's error, next to the field
    assert statuses[30:] == [429, 429]


@pytest.mark.django_db
def test_setup_forms_show_errors_by_the_field(places):
    from aimak_web.contests.forms import CriterionForm, EditionForm

    data = {"year": 2026, "title_ru": "Конкурс", "rules_ru": "Правила",
            "hearings_from": "2026-06-01", "hearings_to": "2026-08-31",
            "applications_from": "2026-08-15", "applications_to": "2026-09-17",
            "jury_from": "2026-09-01", "jury_to": "2026-09-30", "results_date": "2026-10-15",
            "prizes": "300000, 0"}
    form = EditionForm(data)
    assert not form.is_valid()
    assert set(form.errors) == {"prizes", "jury_from"}
    assert "0" in form.errors["prizes"][0]
    ok = EditionForm({**data, "jury_from": "2026-09-18", "prizes": "300 000, 55 000",
                      "category_threshold": 4000})
    assert not ok.is_valid() and set(ok.errors) == {"prizes_large"}
    ok = EditionForm({**data, "jury_from": "2026-09-18", "prizes": "300 000, 55 000"})
    assert ok.is_valid(), ok.errors
    assert ok.save().prize_bands == {"": [300_000, 55_000]}
    crit = CriterionForm({"order": 1, "title_ru": "Информирование", "weight": 1,
                          "descriptors_ru": "0\n1\n2\n3\n4"})
    assert not crit.is_valid() and set(crit.errors) == {"descriptors_ru"}


@pytest.mark.django_db
def test_application_page_says_the_hearing_subject_in_the_readers_language(
        client, places, users):
    """A real hearing of a on the platform: its subject is never the raw key draft_budget."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from aimak_web.hearings.models import Hearing

    from .perm_contests import make_edition

    ed = make_edition(2026, users["admin"])
    meeting = ed.hearings_from + timedelta(days=10)
    Hearing.objects.create(
        municipality=places["a"], subject="draft_budget", year=2027, title_ru="Бюджет",
        notice_date=meeting - timedelta(days=15), meeting_place="—", state="closed",
        meeting_at=datetime.combine(meeting, time(10), tzinfo=ZoneInfo("Asia/Bishkek")),
        attendance_women=30, attendance_men=34)
    assert ed.applications_from <= timezone.localdate() <= ed.applications_to
    client.force_login(users["municipal_staff"])
    url = reverse("contests:apply", args=[ed.year])
    for lang, subject in (("", "проект бюджета"), ("/ky", "бюджеттин долбоору")):
        page = client.get(lang + url).content.decode()
        assert 'data-testid="facts"' in page and "draft_budget" not in page
        assert subject in page.lower(), lang


@pytest.mark.django_db
def test_a_file_that_cannot_be_prepared_for_the_jury_is_named_in_the_readers_language(
        client, places, users, monkeypatch):
    """pikepdf read the upload, but its jurors' copy fails at submission (pdfium): the message
    names the file in the reader's language, not the library's words; nothing is submitted."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aimak_web.contests import services
    from aimak_web.contests.sanitise import SanitiseError

    from .perm_contests import evidence_pdf, make_edition

    ed = make_edition(2026, users["admin"])
    client.force_login(users["municipal_staff"])
    client.post(reverse("contests:apply", args=[ed.year]), {"summary": "Слушания."})
    client.post(reverse("contests:apply_evidence", args=[ed.year]),
                {"file": SimpleUploadedFile("протокол.pdf", evidence_pdf())})

    def broken(evidence, anonymiser):
        raise SanitiseError("Failed to load page (FPDF_ERR_FORMAT)")

    monkeypatch.setattr(services, "prepare", broken)
    r = client.post("/ky" + reverse("contests:apply_action", args=[ed.year]),
                    {"action": "submit"}, follow=True)
    text = r.content.decode()
    assert "протокол.pdf" in text and "FPDF" not in text and "PDF катары" in text
    app = Application.objects.get(edition=ed)
    assert app.state == "draft" and not app.code


@pytest.mark.django_db
def test_before_the_jury_window_the_juror_is_told_when_scoring_opens(client, places, users):
    """Before ``jury_from`` the application page said the jury's work was over and the list
    asked to score; now both say when scoring opens, and the closed message waits for the
    end of the jury."""
    from aimak_web.contests.wording import long_date

    ed = make_edition(2026, users["admin"])  # today: applications; the jury comes later
    a = submit_application(ed, places["a"], users["municipal_staff"])
    seat(ed, users["jury"])
    client.force_login(users["jury"])
    words = {"ru": ("Оценивание начинается {d}", "Работа жюри завершена", "оценить"),
             "ky": ("Баалоо {d} башталат.", "Калыстардын иши аяктады", "баалоо керек")}

    def pages(lang):
        with translation.override(lang):
            return (client.get(reverse("contests:jury_application", args=[ed.year, a.code]))
                    .content.decode(),
                    client.get(reverse("contests:jury", args=[ed.year])).content.decode())

    for lang, (opens, closed, to_score) in words.items():
        page, listing = pages(lang)
        opens = opens.format(d=long_date(ed.jury_from, lang=lang, case="locative"))
        assert opens in page and closed not in page and 'data-testid="score-form"' not in page
        assert opens in listing and to_score not in listing
    start_jury(ed, users["admin"])
    close_jury(ed, users["admin"])
    for lang, (_opens, closed, to_score) in words.items():
        page, listing = pages(lang)
        assert closed in page and "data-testid=\"score-form\"" not in page
        assert to_score not in listing
