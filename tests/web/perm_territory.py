from .permtable import SIGNIN, Row, everyone, only

ADMIN_EDIT = {**only({"admin"}, 302), "anonymous": SIGNIN}


def setup(ctx):
    from .conftest import make_analysis

    dataset, times = ctx["request"].getfixturevalue("territory_inputs")
    ctx["scenarios"] = make_analysis(dataset, times, author=ctx["users"]["admin"])
    s = ctx["scenarios"]["official"]
    ctx["code"] = s.current.mapping[0]["old_code"]
    ctx["unit"] = s.current.mapping[1]["new_unit"]
    from aimak_web.territory.models import Job

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


def official(ctx):
    return [ctx["scenarios"]["official"].pk]


def draft(ctx):
    return [ctx["scenarios"]["draft"].pk]


ROWS = [
    Row("territory:index", everyone()),
    Row("territory:compare", everyone()),
    Row("territory:upload", only({"admin"})),
    Row("territory:scenario", everyone(), args=official),
    # a draft is seen by its author and administrators only
    Row("territory:scenario_geojson", {**only({"admin"}), "anonymous": 403}, args=draft),
    Row("territory:export_csv", everyone(), args=official),
    # editing: the author (here the administrator) and administrators; the edit is a move
    Row("territory:move", ADMIN_EDIT, args=draft, method="post",
        data=lambda ctx: {"old_code": ctx["code"], "new_unit": ctx["unit"]}),
    Row("territory:centre", ADMIN_EDIT, args=draft, method="post",
        data=lambda ctx: {"new_unit": "x", "centre": "y"}),
    Row("territory:lock", ADMIN_EDIT, args=draft, method="post"),
    Row("territory:copy", ADMIN_EDIT, args=official, method="post"),
    # municipal staff start a hearing for their own municipality; the test places are not in
    # the Jalal-Abad scenario, so staff are sent back with a message
    Row("territory:start_hearing", {**only({"municipal_staff", "other_staff"}, 302),
                                    "anonymous": SIGNIN}, args=official, method="post"),
    Row("territory:status", ADMIN_EDIT, args=draft, method="post",
        data=lambda ctx: {"status": "draft"}),
    # optimise from here: whoever may edit the scenario; the job page is its starter's (and
    # administrators'); ensembles are public figures
    Row("territory:optimise", ADMIN_EDIT, args=draft, method="post",
        data=lambda ctx: {"time_limit": "10"}),
    Row("territory:job", only({"admin"}), args=lambda ctx: [ctx["job"].pk]),
    Row("territory:job_status", only({"admin"}), args=lambda ctx: [ctx["job"].pk]),
    Row("territory:job", everyone(), args=lambda ctx: [ctx["ensemble"].pk],
        note="ensemble"),
    # whole analyses: administrators start them; the reports are public evidence
    Row("territory:analysis_start", only({"admin"})),
    Row("territory:analysis_report", everyone(), args=lambda ctx: [ctx["analysis"], "html"]),
]
