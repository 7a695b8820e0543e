from .permtable import SIGNIN, Row, everyone, only

ADMIN_EDIT = {**only({"admin"}, 302), "anonymous": SIGNIN}


def setup(ctx):
    from .conftest import make_analysis

    dataset, times = ctx["request"].getfixturevalue("territory_inputs")
    ctx["scenarios"] = make_analysis(dataset, times, author=ctx["users"]["admin"])
    s = ctx["scenarios"]["official"]
    ctx["code"] = s.current.mapping[0]["old_code"]
    ctx["unit"] = s.current.mapping[1]["new_unit"]


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
]
