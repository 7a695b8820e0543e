"""Permission rows of the platform-wide pages, the language switch and the API's own pages."""

from .permtable import OK, Outcome, Row, everyone, only

#: the permissions these rows must pin down (the mutation check)
RULES = ("accounts.view_audit",)

ROWS = [
    Row("core:home", everyone()),
    Row("core:audit", only({"admin"})),
    Row("core:audit_export", only({"admin"})),
    Row("health", everyone()),
    # the language switch: back to the page asked for, in the new language; never elsewhere
    Row("set_language", everyone(Outcome(302, to="/")), note="GET changes nothing"),
    Row("set_language", everyone(Outcome(302, to="/ky/places/")), method="post",
        data=lambda ctx: {"language": "ky", "next": "/places/"}),
    Row("set_language", everyone(Outcome(302, to="/ky/")), method="post",
        data=lambda ctx: {"language": "ky", "next": "https://evil.example/"},
        note="no open redirect: the home page in the new language"),
    Row("api_schema", everyone(OK)),
    Row("api-root", everyone(OK)),
]
