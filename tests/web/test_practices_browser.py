"""The practices portal in a real browser: submit, moderate, search, vote, score, results,
digest (issue 14's walk)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from aimak_web.practices.models import Entry, JuryScore, Practice

from .conftest import PASSWORD
from .perm_practices import make_practice
from .test_practices_contest import scoring_engine  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/signin/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=signin-submit]")
    page.wait_for_load_state("networkidle")


def _submit(page, base, *, municipality, title_ru, title_ky="", lsg=False):
    from aimak_web.practices.models import SubTheme

    water = SubTheme.objects.get(code="water")
    page.goto(f"{base}/practices/new/")
    if lsg:
        page.select_option("#id_submitter_type", "lsg")
    page.select_option("#id_theme", str(water.theme_id))
    page.select_option("#id_subtheme", str(water.pk))
    page.select_option("#id_municipalities", str(municipality.pk))
    page.fill("#id_period_start", "2022-03-01")
    page.fill("#id_title_ru", title_ru)
    page.fill("#id_title_ky", title_ky)
    page.fill("#id_problem_ru", "Старые трубы водоснабжения ломались каждую зиму.")
    page.fill("#id_solution_ru", "Айыл окмоту и жители заменили магистраль.")
    page.fill("#id_results_ru", "Вода круглый год у 412 дворов.")
    page.fill("#id_ev-0-label", "Дворов с водой")
    page.fill("#id_ev-0-value", "412")
    page.fill("#id_ev-0-source", "отчёт айыл окмоту за 2023 год")
    page.click("[data-testid=save-draft]")
    page.wait_for_load_state("networkidle")
    assert "черновик" in page.locator("[data-testid=status]").inner_text().lower()
    page.click("[data-testid=step-submit]")
    page.wait_for_load_state("networkidle")
    return Practice.objects.get(title_ru=title_ru)


def test_submit_moderate_search_vote_score_results_digest(page, live_server, places, users,
                                                         scoring_engine):  # noqa: F811
    from aimak_web.practices.demo import ensure_edition
    from aimak_web.practices.themes import ensure_themes

    ensure_themes()  # an earlier transactional test may have emptied the tables
    base = live_server.url
    ed = ensure_edition()  # the demo's example edition: jury weight 0.7, open now
    # 1. a citizen and a municipality submit practices
    _sign_in(page, base, users["citizen"])
    mine = _submit(page, base, municipality=places["a"],
                   title_ru="Восстановление водоснабжения в селе",
                   title_ky="Айылда суу түтүктөрүн калыбына келтирүү")
    assert mine.status == "submitted"
    _sign_in(page, base, users["municipal_staff"])
    theirs = _submit(page, base, municipality=places["a"], title_ru="Ремонт клуба", lsg=True)
    assert (theirs.status, theirs.body_id) == ("submitted", places["a"].pk)

    # 2. the moderator asks for a change, then publishes one and rejects the other
    _sign_in(page, base, users["moderator"])
    page.goto(f"{base}/practices/moderation/")
    assert page.locator("[data-testid=queue] tbody tr").count() == 2
    page.goto(f"{base}/practices/{mine.pk}/")
    page.fill("[data-testid=text-request_changes]", "Добавьте источник цифр")
    page.click("[data-testid=step-request_changes]")
    page.wait_for_load_state("networkidle")
    _sign_in(page, base, users["citizen"])
    page.goto(f"{base}/practices/{mine.pk}/")
    assert "Добавьте источник цифр" in page.locator("[data-testid=moderator-comment]").inner_text()
    page.click("[data-testid=edit]")
    page.fill("#id_ev-0-source", "отчёт айыл окмоту за 2023 год, с. 4")
    page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    _sign_in(page, base, users["moderator"])
    page.goto(f"{base}/practices/{mine.pk}/")
    page.click("[data-testid=step-publish]")
    page.wait_for_load_state("networkidle")
    assert "citizen" in page.locator("[data-testid=published-by]").inner_text()
    page.goto(f"{base}/practices/{theirs.pk}/")
    page.fill("[data-testid=text-reject]", "Нет подтверждения результатов")
    page.click("[data-testid=step-reject]")
    page.wait_for_load_state("networkidle")
    assert "Нет подтверждения" in page.locator("[data-testid=rejection]").inner_text()
    page.watch.shot(page, "practices-rejected")

    # 3. search by another Russian word form and by a Kyrgyz word
    for q in ("водоснабжение", "суу"):
        page.goto(f"{base}/practices/")
        page.fill("[data-testid=search-q]", q)
        page.click("[data-testid=search-go]")
        page.wait_for_load_state("networkidle")
        cards = page.locator("[data-testid=practice-card]")
        assert cards.count() == 1, q
        assert "водоснабжения" in cards.first.inner_text()
    page.watch.shot(page, "practices-search")

    # 4. the citizen enters the contest; a verified person votes once, a second vote is refused
    _sign_in(page, base, users["citizen"])
    page.goto(f"{base}/practices/{mine.pk}/")
    page.click("[data-testid=enter-contest]")
    page.wait_for_load_state("networkidle")
    entry = Entry.objects.get(practice=mine)
    other = Entry.objects.create(edition=ed, category=entry.category, practice=make_practice(
        users["moderator"], "published", "expert", munis=[places["b"]],
        title_ru="Пример: прозрачный бюджет"))
    # a verified neighbour votes (the author does not vote for their own practice)
    from aimak_web.accounts.models import Role, User

    voter = User(username="voter@test.local", email="voter@test.local", role=Role.CITIZEN,
                 municipality=places["b"], full_name="voter")
    voter.set_password(PASSWORD)
    voter.save()
    voter.verify_residence("manual")
    _sign_in(page, base, voter)
    page.goto(f"{base}/practices/contest/{ed.pk}/")
    second = page.context.new_page()
    second.goto(f"{base}/practices/contest/{ed.pk}/")  # the same page, still with the button
    page.click(f"[data-testid=vote-{entry.pk}]")
    page.wait_for_load_state("networkidle")
    assert page.locator(f"[data-testid=votes-{entry.pk}]").inner_text() == "1"
    assert page.locator(f"[data-testid=vote-{entry.pk}]").count() == 0
    second.click(f"[data-testid=vote-{entry.pk}]")
    second.wait_for_load_state("networkidle")
    assert "нельзя изменить" in second.locator(".messages").inner_text()
    assert second.locator(f"[data-testid=votes-{entry.pk}]").inner_text() == "1"
    second.close()
    page.watch.shot(page, "practices-vote")

    # 5. the jury scores both entries (three criteria of weight 1)
    _sign_in(page, base, users["jury"])
    for e, marks in ((entry, ("4", "5", "3")), (other, ("5", "5", "5"))):
        page.goto(f"{base}/practices/contest/entry/{e.pk}/score/")
        for key, mark in zip(("impact", "evidence", "replicable"), marks, strict=True):
            page.fill(f"#id_{key}", mark)
        page.click("[data-testid=save-scores]")
        page.wait_for_load_state("networkidle")
    assert JuryScore.objects.count() == 6

    # 6. results: by hand, jury 4.0 and 5.0; votes 1 and 0; weight 0.7:
    #    mine 0.7·4/5 + 0.3·1/1 = 0.86, other 0.7·5/5 + 0.3·0 = 0.70 → mine first, 25 000 som
    page.goto(f"{base}/practices/contest/{ed.pk}/results/")
    table = page.locator(f"[data-testid=ranking-{entry.category.code}]")
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    first, second_row = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "Восстановление водоснабжения" in first and "0,8600" in first
    assert "25" in first and "Пример: прозрачный бюджет" in second_row and "0,7000" in second_row
    page.watch.shot(page, "practices-results")

    # 7. the week's digest reaches a paying subscriber, with the published practice (and not
    # the rejected one) in its PDF collection
    from datetime import date

    from django.core import mail

    from aimak_web.journal import services

    services.record_payment(users["admin"], amount_som=2400, bank_reference="ПП 1",
                            period_start=date.today(), period_end=date.today() + timedelta(
                                days=365), reader=users["jury"])
    services.subscribe(users["jury"])
    pdf = page.request.get(f"{base}/journal/subscription/collection.pdf?days=7")
    assert pdf.headers["content-type"] == "application/pdf"
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf.body())) as doc:
        text = "\n".join(p.extract_text() or "" for p in doc.pages)
    assert "Восстановление водоснабжения" in text and "Ремонт клуба" not in text
    mail.outbox = []
    assert services.send_digests(timezone.now() + timedelta(minutes=1)) == 1
    assert "Восстановление водоснабжения" in mail.outbox[0].body
    assert page.watch.errors == []
    assert page.watch.outside == []
