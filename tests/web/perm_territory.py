"""Permission rows of the territory explorer (scenarios of the real Jalal-Abad dataset)."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from .permtable import (
    FORBIDDEN,
    NOT_ALLOWED,
    OK,
    SIGNIN,
    STAFF_ROLES,
    Outcome,
    Row,
    back,
    done,
    everyone,
    only,
    signed_in,
)


def setup(ctx):
    from .conftest import make_analysis

    dataset, times = ctx["request"].getfixturevalue("territory_inputs")
    ctx["scenarios"] = make_analysis(dataset, times, author=ctx["users"]["admin"])
    s = ctx["scenarios"]["official"]
    ctx["code"] = s.current.mapping[0]["old_code"]
    ctx["unit"] = s.current.mapping[1]["new_unit"]
    from aimak_web.territory.models import Job, Scenario

    draft_s = ctx["scenarios"]["draft"]
    ctx["job"] = Job.objects.create(kind="optimise", scenario=draft_s, analysis=draft_s.analysis,
                                    user=ctx["users"]["admin"])
    report = ctx["request"].getfixturevalue("tmp_path") / "report.html"
    report.write_text("<html><body>report</body></html>")
    draft_s.analysis.report_path = str(report)
    draft_s.analysis.save()
    ctx["analysis"] = draft_s.analysis.pk
    ctx["ensemble"] = Job.objects.create(kind="ensemble", analysis=draft_s.analysis,
                                         criteria="moderate", state="done",
                                         result={"values": [1.0, 2.0], "n_plans": 2})
    # two official scenarios under criteria no ensemble was sampled for
    ctx["unsampled"] = []
    for i in range(2):
        other = Scenario.objects.create(analysis=s.analysis, title=f"population {i}",
                                        criteria="population", origin="today",
                                        status="official", author=ctx["users"]["admin"])
        other.add_version(s.current.mapping, None, "today", s.current.summary)
        ctx["unsampled"].append(other)


def official(ctx):
    return [ctx["scenarios"]["official"].pk]


def draft(ctx):
    return [ctx["scenarios"]["draft"].pk]


def _page(key):
    return lambda ctx: ctx["scenarios"][key].get_absolute_url()


def _plan_file(ctx):
    rows = "\n".join(f"{r['old_code']},{r['new_unit']},{r['centre']}"
                     for r in ctx["scenarios"]["official"].current.mapping)
    return {"title": "Загруженный план", "criteria": "moderate", "file": SimpleUploadedFile(
        "plan.csv", f"old_code,new_unit,centre\n{rows}\n".encode(), content_type="text/csv")}


#: the draft's author is the administrator: editing is theirs (and administrators')
AUTHOR = {"admin"}
SCENARIO = re.compile(r"/territory/s/\d+/")
JOB = re.compile(r"/territory/jobs/\d+/")

ROWS = [
    Row("territory:index", everyone()),
    Row("territory:compare", everyone()),
    Row("territory:compare", everyone(), note="an ensemble exists",
        query=lambda ctx: "s={}&s={}".format(*official(ctx), *draft(ctx))),
    # opening compare where no ensemble was sampled starts no work (issue 28)
    Row("territory:compare", everyone(),
        query=lambda ctx: "s={}&s={}".format(*[s.pk for s in ctx["unsampled"]])),
    Row("territory:upload", only({"admin"})),
    Row("territory:upload", only({"admin"}, done(SCENARIO)), method="post", data=_plan_file),
    Row("territory:scenario", everyone(), args=official),
    Row("territory:scenario", {**only(AUTHOR), "anonymous": FORBIDDEN}, args=draft),
    # a draft is seen by its author and administrators only
    Row("territory:scenario_geojson", {**only(AUTHOR), "anonymous": FORBIDDEN}, args=draft),
    Row("territory:export_csv", everyone(), args=official),
    Row("territory:move", signed_in(NOT_ALLOWED), args=draft),
    # editing: the author (here the administrator) and administrators; the edit is a move
    Row("territory:move", only(AUTHOR, done(_page("draft"))), args=draft, method="post",
        data=lambda ctx: {"old_code": ctx["code"], "new_unit": ctx["unit"]}),
    # an official scenario is not edited in place, by anyone
    Row("territory:move", only(AUTHOR, done(_page("official"))), args=official, method="post",
        data=lambda ctx: {"old_code": ctx["code"], "new_unit": ctx["unit"]},
        note="the author of the official map is the administrator"),
    Row("territory:centre", signed_in(NOT_ALLOWED), args=draft),
    Row("territory:centre", only(AUTHOR, back(_page("draft"))), args=draft, method="post",
        data=lambda ctx: {"new_unit": "x", "centre": "y"}, note="no such unit: refused"),
    Row("territory:lock", signed_in(NOT_ALLOWED), args=draft),
    Row("territory:lock", only(AUTHOR, done(_page("draft"))), args=draft, method="post",
        data=lambda ctx: {"new_unit": ctx["unit"]}),
    Row("territory:copy", signed_in(NOT_ALLOWED), args=official),
    Row("territory:copy", only(AUTHOR, done(SCENARIO)), args=official, method="post"),
    # municipal staff start a hearing for their own municipality on a scenario (a hearings URL,
    # listed here beside the scenarios it needs); the test places are not in the Jalal-Abad
    # scenario, so staff are sent back with a message
    Row("hearings:start_from_scenario", signed_in(NOT_ALLOWED), args=official),
    Row("hearings:start_from_scenario", only(STAFF_ROLES, back(_page("official"))),
        args=official, method="post"),
    Row("territory:status", signed_in(NOT_ALLOWED), args=draft),
    Row("territory:status", only(AUTHOR, done(_page("draft"))), args=draft, method="post",
        data=lambda ctx: {"status": "proposed"}),
    # optimise from here: whoever may edit the scenario; the job page is its starter's (and
    # administrators'); ensembles are public figures
    Row("territory:optimise", signed_in(NOT_ALLOWED), args=draft),
    Row("territory:optimise", only(AUTHOR, Outcome(302, to=JOB)), args=draft, method="post",
        data=lambda ctx: {"time_limit": "10"}, note="a job is already queued: its page"),
    # the sample of valid plans is asked for with a POST by the roles that analyse plans (a
    # page never starts work, issue 28)
    Row("territory:ensemble_start", signed_in(NOT_ALLOWED), args=lambda ctx: [
        ctx["unsampled"][0].pk]),
    Row("territory:ensemble_start",
        only({"admin", "moderator", *STAFF_ROLES},
             done(lambda ctx: ctx["unsampled"][0].get_absolute_url())),
        args=lambda ctx: [ctx["unsampled"][0].pk], method="post"),
    Row("territory:job", only({"admin"}), args=lambda ctx: [ctx["job"].pk]),
    Row("territory:job_status", only({"admin"}), args=lambda ctx: [ctx["job"].pk]),
    Row("territory:job", everyone(), args=lambda ctx: [ctx["ensemble"].pk], note="ensemble"),
    # whole analyses: administrators start them; the reports are public evidence
    Row("territory:analysis_start", only({"admin"})),
    Row("territory:analysis_start", only({"admin"}, done(JOB)), method="post",
        data=lambda ctx: {"oblast": ctx["places"]["oblast"].pk, "access": "straight"}),
    Row("territory:analysis_report", everyone(), args=lambda ctx: [ctx["analysis"], "html"]),
]

__all__ = ["OK", "ROWS", "SIGNIN"]
