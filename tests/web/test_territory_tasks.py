"""Background tasks of the explorer: "optimise from here" through django-tasks' database
backend, its worker run in-process; the effect checked against the core's own check."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from aimak.plans.validity import check_plan
from aimak_web.territory.evaluation import session_for
from aimak_web.territory.models import Job

from .conftest import make_analysis


def run_pending_tasks() -> int:
    """What ``aimak-web db_worker`` does for each queued task, in this process and thread
    (the worker's own loop closes connections between tasks, which a test transaction
    cannot survive)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="test",
                    excluded_queue_names=[])
    n = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim("test")
        worker.run_task(result)
        n += 1
    return n


@pytest.fixture
def scenarios(db, territory_inputs, users):
    dataset, times = territory_inputs
    return make_analysis(dataset, times, author=users["admin"], criteria="population")


def _lock(client, s, unit):
    client.post(reverse("territory:lock", args=[s.pk]), {"new_unit": unit})


@pytest.mark.django_db
def test_optimise_leaves_what_no_valid_unit_can_include_and_says_so(client, users,
                                                                    territory_inputs):
    """Under 'moderate', Jalal-Abad with straight-line times has a municipality no unit meeting
    the criteria can include: the optimiser keeps its unit as it is, names it on the job page
    and in the version's note, and solves the rest (only the units it left may break a
    criterion)."""
    dataset, times = territory_inputs
    s = make_analysis(dataset, times, author=users["admin"], criteria="moderate")["draft"]
    client.force_login(users["admin"])
    client.post(reverse("territory:optimise", args=[s.pk]), {"time_limit": 10})
    assert run_pending_tasks() == 1
    job = Job.objects.get()
    assert job.state == "done", job.detail
    left = job.result["left"]
    assert left  # the solver found the corner no plan completes
    s.refresh_from_db()
    assert s.current.note_params["left"] == ", ".join(left)
    with translation.override("en"):
        assert "left as they were" in s.current.note_text and left[0] in s.current.note_text
    with translation.override("ru"):  # the history says it in the reader's language
        assert "оставлены как были" in s.current.note_text
    ev = session_for(s).evaluate(s.current.mapping)
    assert ev.violations and {v["unit"] for v in ev.violations} <= set(left)
    page = client.get(reverse("territory:job", args=[job.pk])).content.decode()
    assert "поэтому они оставлены как были" in page and left[0] in page


@pytest.mark.django_db
def test_optimise_keeps_locked_units_and_removes_violations(client, users, scenarios,
                                                           django_assert_max_num_queries):
    s = scenarios["draft"]  # today's map: many units below the population minimum
    client.force_login(users["admin"])
    before = s.current.mapping
    session = session_for(s)
    violations_before = session.evaluate(before).violations
    assert violations_before  # today's map breaks the population criteria
    locked = [before[0]["new_unit"], before[5]["new_unit"]]
    for unit in locked:
        _lock(client, s, unit)
    r = client.post(reverse("territory:optimise", args=[s.pk]), {"time_limit": 5})
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("territory:job", args=[job.pk])
    assert job.state == "queued" and job.task_id and job.params["locked"] == sorted(locked)
    status = client.get(reverse("territory:job_status", args=[job.pk])).json()
    assert status["state"] == "queued" and status["progress"] == 0
    assert run_pending_tasks() == 1
    job.refresh_from_db()
    assert job.state == "done", job.detail
    s.refresh_from_db()
    assert s.versions.count() == 2 and job.version == s.current
    assert s.current.author == users["admin"]
    with translation.override("en"):
        assert s.current.note_text.startswith("optimised from v1")
    after = s.current.mapping
    # the locked units are exactly as they were: same members, same centre, same name
    for unit in locked:
        assert ([(r["old_code"], r["centre"]) for r in before if r["new_unit"] == unit]
                == [(r["old_code"], r["centre"]) for r in after if r["new_unit"] == unit])
    # the core's own check: only the locked units may still break a criterion
    ev = session.evaluate(after)
    assert {v["unit"] for v in ev.violations} <= set(locked)
    assert len(ev.violations) <= len(violations_before)
    plan = session.plan(after)
    ids = plan.ids(session.inst)
    assert all(str(ids[v.unit]) in locked for v in check_plan(session.inst, plan)
               if v.unit is not None)
    assert s.current.summary["violations"] == len(ev.violations)
    with django_assert_max_num_queries(6):
        status = client.get(reverse("territory:job_status", args=[job.pk])).json()
    assert status["state"] == "done" and status["progress"] == 100
    assert status["result_url"] == s.get_absolute_url()
    # recorded in the audit trail, with the user as actor
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get_for_object(s.current).get()
    assert entry.actor == users["admin"]
    page = client.get(reverse("territory:job", args=[job.pk])).content.decode()
    assert "data-testid=\"job-summary\"" in page


@pytest.mark.django_db
def test_optimise_failure_is_a_translated_message(client, users, scenarios, monkeypatch):
    from aimak.i18n import Said
    from aimak.plans.feasibility import InfeasibleError
    from aimak.plans.session import PlanSession

    def infeasible(self, *a, **k):  # the heuristic's own sentence, as the core raises it
        raise InfeasibleError([Said(
            "the municipalities {codes} ({population} inhabitants) cannot be completed into a "
            "unit meeting the criteria: every adjacent unit would break the maximum "
            "population, the travel limit, the border rule or a must-not pair",
            codes="41703215819000", population=4321.0)])

    monkeypatch.setattr(PlanSession, "optimise", infeasible)
    s = scenarios["draft"]
    client.force_login(users["admin"])
    client.post(reverse("territory:optimise", args=[s.pk]), {"time_limit": 5})
    run_pending_tasks()
    job = Job.objects.get()
    assert job.state == "failed" and job.error == "infeasible"
    status = client.get(reverse("territory:job_status", args=[job.pk]),
                        HTTP_ACCEPT_LANGUAGE="ru").json()
    assert status["error"] == ("Незаблокированные единицы нельзя привести в соответствие со "
                               "всеми критериями.")
    assert status["detail"].startswith("муниципалитеты 41703215819000 (4\u00a0321 жителей) "
                                       "нельзя дополнить до единицы")
    from django.utils import translation

    for lang, begins in (("ky", "41703215819000 муниципалитеттерин (4\u00a0321 тургун)"),
                         ("en", "the municipalities 41703215819000 (4,321 inhabitants) cannot")):
        with translation.override(lang):  # the language is the URL's prefix
            url = reverse("territory:job_status", args=[job.pk])
        assert client.get(url).json()["detail"].startswith(begins), lang
    assert job.detail.startswith("the municipalities 41703215819000")  # English for the log
    assert s.versions.count() == 1


@pytest.mark.django_db
def test_optimise_refuses_a_bad_time_limit_and_a_second_run(client, users, scenarios):
    s = scenarios["draft"]
    client.force_login(users["admin"])
    client.post(reverse("territory:optimise", args=[s.pk]), {"time_limit": 1})
    assert Job.objects.count() == 0
    client.post(reverse("territory:optimise", args=[s.pk]), {"time_limit": 10})
    client.post(reverse("territory:optimise", args=[s.pk]), {"time_limit": 10})
    assert Job.objects.count() == 1  # the second request goes to the running one


@pytest.mark.django_db
def test_a_task_a_stopped_worker_left_behind_fails_and_a_new_run_starts(client, users,
                                                                         scenarios):
    """A worker killed mid-task leaves its job "running": once twice its time limit and the
    margin have passed, its page says the worker stopped, and optimising again queues anew."""
    from datetime import timedelta

    from django.utils import timezone

    s = scenarios["draft"]
    client.force_login(users["admin"])
    client.post(reverse("territory:optimise", args=[s.pk]), {"time_limit": 10})
    job = Job.objects.get()
    job.start()  # the worker took it ... and died
    fresh = client.get(reverse("territory:job_status", args=[job.pk])).json()
    assert fresh["state"] == "running"  # 10 s limit: not yet 2 x 10 s + 15 min
    Job.objects.filter(pk=job.pk).update(started=timezone.now() - timedelta(minutes=16))
    status = client.get(reverse("territory:job_status", args=[job.pk])).json()
    assert status["state"] == "failed"
    assert status["detail"] == ("Фоновый обработчик остановился, не закончив эту задачу; "
                                "запустите её снова.")
    client.post(reverse("territory:optimise", args=[s.pk]), {"time_limit": 10})
    assert Job.objects.filter(state="queued").count() == 1  # a new run, not the dead one
    # a queued task no worker takes up for 6 hours is given up too
    Job.objects.filter(state="queued").update(created=timezone.now() - timedelta(hours=7))
    assert Job.fail_stale() == 1
    assert Job.objects.filter(state="failed").count() == 2


def test_analysis_progress_follows_the_pipeline_steps():
    from django.utils import timezone

    from aimak_web.territory.services import stage_text

    job = Job(kind="analysis", state="running", started=timezone.now(), stage="dataset")
    assert job.progress == 0
    job.stage = "plans:moderate"  # the plans step reports each criteria set
    assert job.progress == 50  # 4 of the 8 steps begun before it
    assert stage_text(job) == "планы укрупнения: Умеренный (10 000 жителей)"  # core catalog
    job.state = "failed"
    assert job.progress == 0 and stage_text(job) == ""


def test_job_transitions_are_checked():
    job = Job(kind="optimise", state="done")
    with pytest.raises(ValueError, match="a done task cannot become running"):
        job.start()


@pytest.mark.django_db
def test_compare_places_scenarios_in_the_sampled_ensemble(client, users, scenarios,
                                                          django_assert_max_num_queries):
    from aimak_web.territory.charts import histogram

    s1, s2 = scenarios["official"], scenarios["draft"]
    client.force_login(users["admin"])
    # optimise the draft first, so the two scenarios differ
    client.post(reverse("territory:optimise", args=[s2.pk]), {"time_limit": 5})
    run_pending_tasks()
    url = reverse("territory:compare") + f"?s={s1.pk}&s={s2.pk}"
    page = client.get(url).content.decode()
    assert 'data-testid="ensemble-start"' in page and not Job.objects.filter(kind="ensemble")
    start = reverse("territory:ensemble_start", args=[s1.pk])
    assert client.post(start, {"next": url})["Location"] == url
    client.post(start, {"next": url})  # asked twice: sampled once
    page = client.get(url).content.decode()
    assert 'data-testid="ensemble-pending"' in page
    ens = Job.objects.get(kind="ensemble")
    assert ens.criteria == "population" and ens.state == "queued"
    assert client.get(reverse("territory:job_status", args=[ens.pk])).json()["state"] == "queued"
    assert run_pending_tasks() == 1
    ens.refresh_from_db()
    assert ens.state == "done", ens.detail
    values = ens.result["values"]
    assert len(values) == ens.result["n_plans"] == 1000
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert page.count('data-testid="ensemble-mark"') == 2
    # today's map has 76 units, the sample fewer: the page says the sizes differ (issue 29)
    assert f'data-testid="ensemble-size-{s1.pk}"' in page
    # the shares shown are the shares of sampled plans at or below each scenario's value,
    # counted here apart from the chart code
    session = session_for(s2)
    s2.refresh_from_db()
    optimised = session.metrics(s2.current.mapping)["mean_minutes_to_centre"]
    share = sum(v <= optimised + 1e-12 for v in values) / len(values)
    assert f"{round(share * 100)}%" in page
    # today's map (76 units, centres in every municipality) is quicker to reach than any
    # sampled plan of 47 units: it sits left of the whole sample
    today = session.metrics(s1.current.mapping)["mean_minutes_to_centre"]
    assert today < min(values)
    chart = histogram(values, [("a", today), ("b", optimised)])
    assert chart["marks"][0]["share"] == 0.0
    assert sum(b["count"] for b in chart["bars"]) == 1000
    assert chart["marks"][0]["left"] < min(b["left"] for b in chart["bars"])


def test_histogram_by_hand():
    from aimak_web.territory.charts import histogram

    chart = histogram([1.0, 2.0, 2.0, 3.0], [("x", 2.0)], bins=2)
    assert [b["count"] for b in chart["bars"]] == [1, 3]  # [1, 2) and [2, 3]
    assert chart["marks"][0]["share"] == 0.75
    # the axis spans 1..3 padded by 4 %: ticks at 1, 1.5, 2, 2.5, 3, written as Russian does
    with translation.override("ru"):
        ticks = histogram([1.0, 2.0, 2.0, 3.0], [("x", 2.0)], bins=2)["ticks"]
    assert [t["label"] for t in ticks] == ["1,0", "1,5", "2,0", "2,5", "3,0"]


@pytest.mark.django_db
def test_whole_analysis_from_the_browser_becomes_scenarios(client, users, territory_inputs,
                                                          shared_data, settings, tmp_path,
                                                          monkeypatch):
    """The core's pipeline run for Jalal-Abad as a task (straight-line times, one criteria set,
    HTML only, to keep the test short): its plan is a scenario, its report downloadable."""
    from aimak_web.places.importer import import_dataset
    from aimak_web.places.models import Oblast
    from aimak_web.territory import work

    dataset, _times = territory_inputs
    import_dataset(dataset)
    oblast = Oblast.objects.get(name_en__icontains="jalal")
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("AIMAK_SOURCE", str(shared_data))
    monkeypatch.setattr(work, "ANALYSIS_PLANS", ("population",))
    monkeypatch.setattr(work, "ANALYSIS_FORMATS", ("html",))
    monkeypatch.setattr(work, "ANALYSIS_SOLVER", {"time_limit": 10.0})
    client.force_login(users["admin"])
    r = client.post(reverse("territory:analysis_start"), {"oblast": "", "access": "straight"})
    assert "Выберите область." in r.content.decode()
    r = client.post(reverse("territory:analysis_start"),
                    {"oblast": oblast.pk, "access": "straight"})
    job = Job.objects.get(kind="analysis")
    assert r["Location"] == reverse("territory:job", args=[job.pk])
    assert run_pending_tasks() == 1
    job.refresh_from_db()
    assert job.state == "done", job.detail
    assert job.stage == "report"
    a = job.analysis
    assert a.dataset_path.startswith(str(tmp_path / "analyses" / f"job-{job.pk}"))
    titles = sorted(a.scenarios.values_list("origin", "criteria"))
    assert titles == [("core", "population"), ("today", "moderate")]  # today judged by moderate
    plan = a.scenarios.get(origin="core")
    assert plan.current.summary["violations"] == 0  # the core's plans meet their criteria
    r = client.get(reverse("territory:analysis_report", args=[a.pk, "html"]))
    assert r.status_code == 200 and b"<html" in b"".join(r.streaming_content)[:2000].lower()
    assert client.get(reverse("territory:analysis_report", args=[a.pk, "pdf"])).status_code == 404
    status = client.get(reverse("territory:job_status", args=[job.pk])).json()
    assert status["result_url"].endswith(f"#analysis-{a.pk}")
    assert status["stage"] == "отчёт"  # the pipeline's last step, in the user's language
