"""Permission rows of accounts: sign-in, sign-up, the phone, residents lists, password reset."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .permtable import (
    FORBIDDEN,
    MISSING,
    NOT_ALLOWED,
    OK,
    SHOWN,
    SIGNIN,
    Row,
    back,
    done,
    everyone,
    only,
    signed_in,
)

#: a resident of municipality a on its residents list (staff of c must not see it)
LISTED_PHONE = "+996555000777"
HOME = "core:home"


def setup(ctx: dict) -> None:
    from aimak_web.accounts.models import ResidentEntry

    a = ctx["places"]["a"]
    ResidentEntry.objects.create(municipality=a, full_name="Асанова Гүлнара", phone=LISTED_PHONE,
                                 village=a.settlements.first(), village_text="Жаны-Жол-1",
                                 uploaded_by=ctx["users"]["municipal_staff"],
                                 source_file="list.csv")
    from aimak_web.accounts.models import StaffRequest

    ctx["staff_request"] = StaffRequest.objects.create(
        user=ctx["users"]["citizen"], municipality=ctx["places"]["c"], position="бухгалтер")


def _residents_file(ctx) -> dict:
    text = "name,phone,village\nТокторова Айгүл,0555 000 888,Жаны-Жол-1\n"
    return {"file": SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")}


def _signup(ctx) -> dict:
    return {"full_name": "Жаңы колдонуучу", "email": "new.person@test.local", "phone": "",
            "municipality": ctx["places"]["a"].pk, "password1": "rivers of Naryn 2026",
            "password2": "rivers of Naryn 2026"}


def _signed_in_sent_home(anonymous):
    return {**everyone(back(HOME)), "anonymous": anonymous}


RULES = ("accounts.manage_residents",)

ROWS = [
    Row("accounts:signin", _signed_in_sent_home(OK)),
    Row("accounts:signin", _signed_in_sent_home(done(HOME)), method="post",
        data=lambda ctx: {"username": "CITIZEN@test.local",
                          "password": "correct horse battery staple 7"},
        note="signing in writes last_login"),
    Row("accounts:signup", {**everyone(back("accounts:me")), "anonymous": OK}),
    # the same answer whether or not the details are taken: sign in next
    Row("accounts:signup", {**everyone(back("accounts:me")),
                            "anonymous": done(lambda ctx: reverse("accounts:signin"))},
        method="post", data=_signup),
    Row("accounts:signout", everyone(NOT_ALLOWED)),
    Row("accounts:signout", everyone(back(HOME)), method="post"),
    Row("accounts:me", signed_in()),
    Row("accounts:request_staff", signed_in()),
    # staff of a may move to c; the citizen has a request waiting already; staff of c act
    # for c already; other roles cannot be combined: the form says why, nothing is written
    Row("accounts:request_staff",
        {**signed_in(OK), "municipal_staff": done("accounts:request_staff")},
        method="post", data=lambda ctx: {"municipality": "Ак-Суу", "position": "бухгалтер"}),
    Row("accounts:staff_requests", only({"admin", "municipal_staff", "other_staff"})),
    Row("accounts:staff_request_decide", signed_in(NOT_ALLOWED),
        args=lambda ctx: [ctx["staff_request"].pk]),
    Row("accounts:staff_request_decide",
        only({"admin", "other_staff"}, done("accounts:staff_requests")),
        args=lambda ctx: [ctx["staff_request"].pk], method="post",
        data=lambda ctx: {"action": "approve"}),
    # only users with a phone may confirm it; the others are sent back to their page
    Row("accounts:phone_confirm", {**signed_in(back("accounts:me")), "citizen": OK}),
    Row("accounts:phone_confirm", {**signed_in(back("accounts:me")),
                                   "citizen": done("accounts:phone_confirm")},
        method="post", data=lambda ctx: {"action": "send"}, note="a code is issued"),
    # staff manage their own municipality's residents list only
    Row("accounts:residents", {**only({"municipal_staff"}, SHOWN),
                               "other_staff": OK.seeing(False)},
        secret=lambda ctx: LISTED_PHONE),
    # the list names villages of a: staff of a load it, staff of c are told the villages are
    # not theirs and nothing is written
    Row("accounts:residents", {**only({"municipal_staff"}, done("accounts:residents")),
                               "other_staff": OK}, method="post", data=_residents_file),
    # the citizen lives in municipality a: staff of another municipality cannot find them
    Row("accounts:resident_confirm", {**signed_in(NOT_ALLOWED)},
        args=lambda ctx: [ctx["users"]["citizen"].pk]),
    Row("accounts:resident_confirm", {**only({"municipal_staff"}, done("accounts:residents")),
                                      "other_staff": MISSING, "admin": FORBIDDEN},
        args=lambda ctx: [ctx["users"]["citizen"].pk], method="post"),
    Row("accounts:password_reset", everyone()),
    Row("accounts:password_reset", everyone(back("accounts:password_reset_done")),
        method="post", data=lambda ctx: {"email": "citizen@test.local"}),
    Row("accounts:password_reset_done", everyone()),
    Row("accounts:password_reset_confirm", everyone(), args=lambda ctx: ["MQ", "set-password"],
        note="an invalid link answers 200 with a message"),
    Row("accounts:password_reset_confirm", everyone(), args=lambda ctx: ["MQ", "set-password"],
        method="post", data=lambda ctx: {"new_password1": "x" * 12, "new_password2": "x" * 12}),
    Row("accounts:password_reset_complete", everyone()),
]

__all__ = ["ROWS", "SIGNIN", "setup"]
