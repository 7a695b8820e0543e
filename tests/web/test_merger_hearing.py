"""A public hearing on a merger proposal: started from a scenario in one step, pinned to the
version it was started from (its page, its participants and its minutes), open to the residents
of every municipality of the proposed unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aimak_web.accounts.models import Role, User
from aimak_web.hearings.models import Hearing
from aimak_web.hearings.rules import may_take_part
from aimak_web.places.importer import import_dataset
from aimak_web.places.models import Municipality

from .conftest import PASSWORD, make_analysis


def _staff(code: str) -> User:
    return User.objects.create_user(username=f"st{code}", email=f"st{code}@x.kg",
                                    password=PASSWORD, role=Role.MUNICIPAL_STAFF,
                                    municipality=Municipality.objects.get(code=code))


def _resident(code: str) -> User:
    u = User.objects.create_user(username=code, email=f"{code}@x.kg", password=PASSWORD,
                                 municipality=Municipality.objects.get(code=code))
    u.verify_residence("manual")
    return u


def _members(html: str) -> str:
    return html.split('data-testid="merger-members"')[1].split("</p>")[0]


@pytest.mark.django_db
def test_merger_hearing_is_pinned_to_the_version_it_was_started_from(client, territory_inputs):
    """Failed before the fix: after the start, moving a municipality into the unit changed the
    hearing's page (not its participants); a second click made a second draft; a municipality
    that merges with no one could start a 'merger' hearing."""
    from aimak_web.territory.evaluation import evaluation_json, session_for

    dataset, times = territory_inputs
    import_dataset(dataset)
    s = make_analysis(dataset, times)["official"]
    today = s.current.mapping
    a, b, c, d = (today[i]["old_code"] for i in range(4))
    session = session_for(s)
    proposal = session.move(today, a, b)  # version 2: a joins b's unit
    v2 = s.add_version(proposal, None, "proposal",
                       evaluation_json(session, proposal)["summary"])
    url = reverse("hearings:start_from_scenario", args=[s.pk])

    # d stays alone in version 2: its unit does not change, so there is no merger to hear
    client.force_login(_staff(d))
    r = client.post(url, follow=True)
    assert "не меняется" in r.content.decode() and not Hearing.objects.exists()

    client.force_login(_staff(a))
    r = client.post(url)
    hearing = Hearing.objects.get(scenario=s)
    assert r.status_code == 302 and r.url == reverse("hearings:edit", args=[hearing.pk])
    assert hearing.subject == "merger" and hearing.scenario_version == v2
    assert "версия 2" in hearing.title_ru and "2-версия" in hearing.title_ky
    assert set(hearing.affected.values_list("code", flat=True)) == {a, b}
    # a second click finds the same draft
    r = client.post(url)
    assert r.url == reverse("hearings:edit", args=[hearing.pk])
    assert Hearing.objects.filter(scenario=s).count() == 1

    page = reverse("hearings:detail", args=[hearing.pk])
    before = client.get(page).content.decode()
    unit = next(u for u in evaluation_json(session, proposal)["units"] if u["new_unit"] == b)
    shown = f"{round(unit['population']):,}".replace(",", "\u202f")
    assert shown in before

    # the scenario is edited after the start: c joins the unit too (version 3)
    edited = session.move(proposal, c, b)
    v3 = s.add_version(edited, None, "edit", evaluation_json(session, edited)["summary"])
    after = client.get(page).content.decode()
    assert _members(after) == _members(before)
    c_name = Municipality.objects.get(code=c).name
    assert c_name not in _members(after) and shown in after
    # participants: residents of a and b, not of c (whose joining came later) nor of d
    hearing.refresh_from_db()
    assert may_take_part(_resident(b), hearing)
    assert not may_take_part(_resident(c), hearing) and not may_take_part(_resident(d), hearing)

    # the page offers a new hearing on version 3, which takes c's residents in
    assert 'data-testid="start-newer"' in after
    r = client.post(url, {"version": v3.pk})
    newer = Hearing.objects.get(scenario_version=v3)
    assert r.url == reverse("hearings:edit", args=[newer.pk])
    assert set(newer.affected.values_list("code", flat=True)) == {a, b, c}
    assert Hearing.objects.get(pk=hearing.pk).scenario_version == v2
