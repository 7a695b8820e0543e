"""A public hearing on a merger proposal: started from a scenario in one step, showing the
proposed unit's figures, open to the residents of every municipality of that unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aimak_web.accounts.models import Role, User
from aimak_web.hearings.models import Hearing
from aimak_web.hearings.rules import may_take_part
from aimak_web.places.importer import import_dataset
from aimak_web.places.models import Municipality

from .conftest import PASSWORD, make_analysis


@pytest.mark.django_db
def test_start_hearing_from_scenario_and_show_the_unit(client, territory_inputs):
    dataset, times = territory_inputs
    import_dataset(dataset)
    s = make_analysis(dataset, times)["official"]
    m = s.current.mapping
    a, b, c = m[0]["old_code"], m[1]["old_code"], m[2]["old_code"]
    # the proposal: a joins b's unit
    from aimak_web.territory.evaluation import evaluation_json, session_for

    session = session_for(s)
    mapping = session.move(m, a, b)
    s.add_version(mapping, None, "proposal", evaluation_json(session, mapping)["summary"])
    staff = User.objects.create_user(username="st", email="st@x.kg", password=PASSWORD,
                                     role=Role.MUNICIPAL_STAFF,
                                     municipality=Municipality.objects.get(code=a))
    client.force_login(staff)
    r = client.post(reverse("hearings:start_from_scenario", args=[s.pk]))
    hearing = Hearing.objects.get(scenario=s)
    assert r.status_code == 302 and r.url == reverse("hearings:edit", args=[hearing.pk])
    assert hearing.subject == "merger" and hearing.municipality.code == a
    assert set(hearing.affected.values_list("code", flat=True)) == {a, b}
    html = client.get(reverse("hearings:detail", args=[hearing.pk])).content.decode()
    assert 'data-testid="merger"' in html
    unit = next(u for u in evaluation_json(session, mapping)["units"] if u["new_unit"] == b)
    shown = f"{round(unit['population']):,}".replace(",", "\u202f")
    assert shown in html
    # residents: of b (affected) may take part, of c (not affected) may not
    def resident(code):
        u = User.objects.create_user(username=code, email=f"{code}@x.kg", password=PASSWORD,
                                     municipality=Municipality.objects.get(code=code))
        u.verify_residence("manual")
        return u

    assert may_take_part(resident(b), hearing)
    assert not may_take_part(resident(c), hearing)
