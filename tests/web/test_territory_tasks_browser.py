"""The explorer in a real browser: lock two units, optimise from here and wait for the worker,
compare with today's map in the ensemble, export the CSV (checked against the screen), and
start a public hearing on the result."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, make_analysis
from .test_territory_tasks import run_pending_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_optimise_from_here_in_the_browser(page, live_server, users, territory_inputs):
    from aimak_web.accounts.models import Role, User
    from aimak_web.hearings.models import Hearing
    from aimak_web.places.importer import import_dataset
    from aimak_web.places.models import Municipality
    from aimak_web.territory.models import Job

    dataset, times = territory_inputs
    import_dataset(dataset)
    made = make_analysis(dataset, times, author=users["admin"], criteria="population")
    s, official = made["draft"], made["official"]
    base = live_server.url
    page.goto(f"{base}/accounts/signin/")
    page.fill("#id_username", users["admin"].email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=signin-submit]")
    page.goto(f"{base}/territory/s/{s.pk}/")
    m = s.current.mapping
    locked = [m[0]["new_unit"], m[3]["new_unit"]]
    for unit in locked:
        page.click(f"[data-testid='lock-{unit}']")
        page.wait_for_load_state()
    assert page.locator(f"[data-testid='lock-{locked[0]}']").inner_text() == "разблокировать"
    page.fill("#id_time_limit", "5")
    page.click("[data-testid=optimise-submit]")
    page.wait_for_selector("[data-testid=job][data-state=queued]")
    expect(page.locator("[data-testid=job-state]")).to_have_text("ожидает обработчика",
                                                                 use_inner_text=True)
    page.watch.shot(page, "territory-optimise-queued")
    assert run_pending_tasks() == 1  # the worker, in this process
    page.wait_for_selector("[data-testid=job][data-state=done]", timeout=20000)
    link = page.locator("[data-testid=job-result-link]")
    assert link.inner_text() == f"Версия 2 сценария «{s.title}»"
    link.click()
    page.wait_for_selector("#map[data-ready='1']", timeout=20000)
    assert page.locator("[data-testid=version-number]").inner_text() == "2"
    assert int(page.locator("#summary dd[data-key=violations]").inner_text()) == (
        Job.objects.get().result["after"]["violations"])
    page.watch.shot(page, "territory-optimise-result")
    # compare the result with today's map: the ensemble is sampled in the background and the
    # chart appears when it is ready, each scenario marked
    page.select_option("#cmp", str(official.pk))
    page.click("[data-testid=compare]")
    page.click("[data-testid=ensemble-start]")  # asked for: a page never starts work
    page.wait_for_selector("[data-testid=ensemble-pending]")
    assert run_pending_tasks() == 1
    page.wait_for_selector("[data-testid=ensemble-chart]", timeout=20000)
    page.wait_for_load_state()  # the chart's opening tag comes before its marks and table
    expect(page.locator("[data-testid=ensemble-mark]")).to_have_count(2)
    shares = page.locator("[data-testid=ensemble-share]").all_inner_texts()
    assert shares[1] == "0%"  # today's map, second here, is quicker than every sampled plan
    page.watch.shot(page, "territory-compare-ensemble")

    # export the optimised version as CSV: the file says what the unit table on screen says
    page.goto(f"{base}/territory/s/{s.pk}/")
    page.wait_for_selector("#map[data-ready='1']", timeout=20000)
    on_screen = {tr.get_attribute("data-unit"): int(tr.locator("td").nth(2).inner_text())
                 for tr in page.locator("[data-testid=units] tbody tr").all()}
    with page.expect_download() as download:
        page.click("[data-testid=export-csv]")
    with open(download.value.path(), encoding="utf-8-sig") as fh:  # Excel's BOM
        rows = list(csv.DictReader(fh))
    assert len(rows) == 76 and Counter(r["new_unit"] for r in rows) == on_screen
    assert sum(on_screen.values()) == 76

    # marked as proposed, the staff of a municipality in it start a public hearing in one step
    page.select_option("#status", "proposed")
    page.click("[data-testid=status-save]")
    page.wait_for_load_state()
    s.refresh_from_db()
    assert s.status == "proposed"
    # a municipality that merges with others (only those hold a merger hearing)
    merging = next(r for r in rows if on_screen[r["new_unit"]] > 1)
    staff = User(username="ja-staff@test.local", email="ja-staff@test.local", full_name="staff",
                 role=Role.MUNICIPAL_STAFF,
                 municipality=Municipality.objects.get(code=merging["old_code"]))
    staff.set_password(PASSWORD)
    staff.save()
    page.click("[data-testid=signout]")
    page.goto(f"{base}/accounts/signin/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=signin-submit]")
    page.goto(f"{base}/territory/s/{s.pk}/")
    page.click("[data-testid=start-hearing]")
    page.wait_for_load_state()
    hearing = Hearing.objects.get(scenario=s)
    assert page.url.endswith(f"/hearings/{hearing.pk}/edit/")
    unit = merging["new_unit"]
    assert set(hearing.affected.values_list("code", flat=True)) == {
        r["old_code"] for r in rows if r["new_unit"] == unit}
    page.watch.shot(page, "territory-hearing-started")
    assert page.watch.errors == [] and page.watch.outside == []


def test_analysis_start_and_a_failure_shown_in_the_users_language(page, live_server, users,
                                                                   territory_inputs, tmp_path,
                                                                   monkeypatch, settings):
    """An administrator starts an analysis; its source folder lacks the data, so the job fails
    and the page says so without a reload (the successful run is tested without a browser)."""
    from aimak_web.places.importer import import_dataset
    from aimak_web.places.models import Oblast

    dataset, _times = territory_inputs
    import_dataset(dataset)
    settings.DATA_DIR = tmp_path
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("AIMAK_SOURCE", str(tmp_path / "empty"))
    base = live_server.url
    page.goto(f"{base}/accounts/signin/")
    page.fill("#id_username", users["admin"].email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=signin-submit]")
    page.goto(f"{base}/territory/")
    page.click("[data-testid=analysis-start]")
    oblast = Oblast.objects.get(name_en__icontains="jalal")
    page.select_option("#id_oblast", str(oblast.pk))
    page.select_option("#id_access", "straight")
    page.click("[data-testid=analysis-submit]")
    page.wait_for_selector("[data-testid=job][data-state=queued]")
    assert run_pending_tasks() == 1
    page.wait_for_selector("[data-testid=job][data-state=failed]", timeout=20000)
    error = page.locator("[data-testid=job-error]").inner_text()
    assert error.startswith("Входные данные непригодны.")
    assert "Traceback" not in error
    page.watch.shot(page, "territory-analysis-failed")
    assert page.watch.errors == [] and page.watch.outside == []
