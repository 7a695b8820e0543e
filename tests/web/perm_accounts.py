from .permtable import SIGNIN, Row, everyone, only, signed_in

ROWS = [
    Row("accounts:signin", {**everyone(302), "anonymous": 200}),
    # a signed-in user is sent on from the sign-in page
    Row("accounts:signup", {**everyone(302), "anonymous": 200}),
    Row("accounts:signout", {**everyone(302)}, method="post"),
    Row("accounts:me", signed_in()),
    # only users with a phone may confirm it; the others are sent back to their page
    Row("accounts:phone_confirm", {**signed_in(302), "citizen": 200}),
    # staff of any municipality manage their own municipality's residents
    Row("accounts:residents", only({"municipal_staff", "other_staff"})),
    # the citizen lives in municipality a: staff of another municipality cannot find them
    Row("accounts:resident_confirm", {**only({"municipal_staff"}, 302), "other_staff": 404,
                                      "anonymous": SIGNIN},
        args=lambda ctx: [ctx["users"]["citizen"].pk], method="post"),
    Row("accounts:password_reset", everyone()),
    Row("accounts:password_reset_done", everyone()),
    Row("accounts:password_reset_confirm", everyone(),
        args=lambda ctx: ["MQ", "set-password"],
        note="an invalid link answers 200 with a message"),
    Row("accounts:password_reset_complete", everyone()),
]
