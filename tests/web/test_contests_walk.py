"""The contest's roles walked in Kyrgyz on a 390 px phone, from the home page by clicking:
a person asks to act for a municipality and a staff member of it approves; the organiser
invites a jury member by e-mail, who accepts, declares conflicts and scores blind; the
organiser closes the jury, finds a tie on the prize boundary, records its decision and
publishes. Every page is in Kyrgyz, no wider than the phone; screenshots in
``test-artifacts/contests-ky-390-*.png``."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from .conftest import PASSWORD, make_places, make_users
from .perm_contests import make_edition, seat, submit_application
from .test_contests_browser import noon

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 390


class Walk:
    """One phone in Kyrgyz: sign in, click, and after every page check its language and width
    and keep a screenshot."""

    def __init__(self, page, base: str) -> None:
        self.page, self.base, self.problems = page, base, []
        page.set_viewport_size({"width": WIDTH, "height": 844})

    def sign_in(self, username: str) -> None:
        """A session of ``username`` in the browser (the sign-in form has tests of its own;
        hashing a password per step would only slow the walk)."""
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.page.context.clear_cookies()
        self.page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie,
                                        "url": self.base}])

    def home(self) -> None:
        self.page.goto(f"{self.base}/ky/")

    def click(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)

    def check(self, name: str) -> str:
        """The page as shown: in Kyrgyz, no horizontal scrolling; returns its text."""
        page = self.page
        if page.locator("html").get_attribute("lang") != "ky":
            self.problems.append(f"{name}: not in Kyrgyz ({page.url})")
        wide = page.evaluate("document.documentElement.scrollWidth - "
                             "document.documentElement.clientWidth")
        if wide > 1:
            self.problems.append(f"{name}: {wide} px wider than {WIDTH} px ({page.url})")
        page.watch.shot(page, f"contests-ky-390-{name}")
        return page.locator("main").inner_text()


def test_roles_jury_and_organiser_in_kyrgyz_on_a_phone(page, live_server):
    from aimak_web.accounts.models import Role, User
    from aimak_web.contests import services
    from aimak_web.contests.models import Application, Edition, JuryMember

    places = make_places()
    users = make_users(places)
    for key in ("clerk", "newjuror"):
        u = User(username=f"{key}@test.local", email=f"{key}@test.local",
                 full_name=f"{key.title()} Тестов", role=Role.CITIZEN,
                 municipality=places["b"] if key == "newjuror" else None)
        u.set_password(PASSWORD)
        u.save()
    ed = make_edition(2026, users["admin"])
    a = submit_application(ed, places["a"], users["municipal_staff"],
                           summary="Жаны-Жол айыл аймагында угуу өттү.",
                           evidence_name="Jany-Jol-protokol.pdf")
    b = submit_application(ed, places["b"], users["other_staff"], summary="Угуу өттү.")
    seat(ed, users["jury"])
    walk = Walk(page, live_server.url)

    # 1. a person asks to act for Ak-Suu (home -> my account -> the request)
    walk.sign_in("clerk@test.local")
    walk.home()
    walk.click("[data-testid=home-me]")
    walk.click("[data-testid=request-staff-link]")
    page.fill("input[name=municipality]", "Ак-Суу")
    page.fill("input[name=position]", "башкы бухгалтер")
    walk.click("[data-testid=ask-staff]")
    assert "Ак-Суу" in walk.check("staff-request")
    # a staff member of Ak-Suu approves it from their own account page
    walk.sign_in("otherstaff@test.local")
    walk.home()
    walk.click("[data-testid=home-me]")
    walk.click("[data-testid=staff-requests-link]")
    assert "башкы бухгалтер" in walk.check("staff-requests")
    page.check("[data-testid=staff-requests] input[value=approve]")
    walk.click("[data-testid=staff-requests] button[type=submit]")
    clerk = User.objects.get(username="clerk@test.local")
    assert (clerk.role, clerk.municipality_id) == (Role.MUNICIPAL_STAFF, places["c"].pk)

    # 2. the organiser invites a jury member by e-mail, in Kyrgyz
    walk.sign_in("admin@test.local")
    walk.home()
    walk.click("[data-testid=home-contests]")
    walk.click(f"a[href='/ky/contests/{ed.year}/']")
    walk.click("[data-testid=jurors-link]")
    page.fill("[data-testid=invite-form] input[name=contact]", "newjuror@test.local")
    page.select_option("[data-testid=invite-form] select[name=language]", "ky")
    walk.click("[data-testid=invite]")
    assert "newjuror@test.local" in walk.check("jurors")
    [message] = mail.outbox
    link = re.search(r"https?://\S+/ky/contests/invitation/[\w-]+/", message.body).group()
    walk.sign_in("newjuror@test.local")
    page.goto(link)
    walk.check("invitation")
    walk.click("[data-testid=accept]")
    walk.check("conflicts")
    assert JuryMember.objects.filter(edition=ed, user__username="newjuror@test.local").exists()

    # 3. the jury period (the server's clock moves to its first day)
    with time_machine.travel(noon(ed.jury_from)):
        walk.sign_in("admin@test.local")
        page.goto(f"{live_server.url}/ky/contests/{ed.year}/")
        walk.click("[data-testid=start-jury]")
        assert Edition.objects.get(pk=ed.pk).state == Edition.State.JURY
        # the other member scores a and b alike: 4 and 5 (weights 2 and 1) = 4.33
        criteria = list(ed.criteria.order_by("order"))
        member = JuryMember.objects.get(edition=ed, user=users["jury"])
        for app in (a, b):
            services.record_scores(member, app, {criteria[0]: (4, ""), criteria[1]: (5, "")})
        # the new member, from home: b is their own municipality's, so only a is theirs
        walk.sign_in("newjuror@test.local")
        walk.home()
        walk.click("[data-testid=home-jury_desk]")
        listed = walk.check("jury-list")
        assert a.code in listed and b.code in listed
        assert page.locator(f"[data-testid=jury-list] a:text('{b.code}')").count() == 0
        walk.click(f"[data-testid=jury-list] a:text('{a.code}')")
        shown = walk.check("jury-application")
        assert "Жаны-Жол" not in page.content() and "Jany-Jol" not in page.content()
        assert "Жаңы-Жол" not in shown
        for criterion, value in zip(criteria, (4, 5), strict=True):
            page.check(f"input[name=score_{criterion.pk}][value='{value}']")
        walk.click("[data-testid=save-scores]")
        walk.check("jury-scored")

    # 4. after the jury period: a tie on the prize boundary, decided openly
    with time_machine.travel(noon(ed.jury_to + timedelta(days=1))):
        walk.sign_in("admin@test.local")
        page.goto(f"{live_server.url}/ky/contests/{ed.year}/")
        walk.click("[data-testid=close-jury]")
        walk.click("[data-testid=review-link]")
        review = walk.check("review-tie")
        assert page.locator("[data-testid=tie-pending]").count() == 2
        assert "Жаңы-Жол" in review and "Жаны-Жол айыл аймагы" not in review
        page.check("[data-testid=tie-form] input[value=shared]")
        page.fill("[data-testid=tie-form] textarea[name=reason_ru]",
                  "Пункт 7.3 положения: премия делится поровну.")
        page.fill("[data-testid=tie-form] textarea[name=reason_ky]",
                  "Жобонун 7.3-пункту: сыйлык тең бөлүнөт.")
        walk.click("[data-testid=decide-tie]")
        walk.check("review-decided")
        assert page.locator("[data-testid=tie-pending]").count() == 0
    with time_machine.travel(noon(ed.results_date)):
        walk.sign_in("admin@test.local")
        page.goto(f"{live_server.url}/ky/contests/{ed.year}/")
        walk.click("[data-testid=approve]")
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/ky/contests/{ed.year}/")
        results = walk.check("results")
        assert "Жобонун 7.3-пункту" in results
    assert Edition.objects.get(pk=ed.pk).state == Edition.State.PUBLISHED
    assert Application.objects.filter(edition=ed, state="submitted").count() == 2
    assert walk.problems == []
    assert page.watch.errors == [] and page.watch.outside == []
