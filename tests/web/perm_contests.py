"""Permission rows of the contests app, and the helpers that build editions for its tests."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .permtable import (
    FORBIDDEN,
    MISSING,
    NOT_ALLOWED,
    SIGNIN,
    STAFF_ROLES,
    Row,
    back,
    done,
    everyone,
    form_data,
    only,
    signed_in,
)

TIME_ZONE = "Asia/Bishkek"



@cache
def evidence_pdf() -> bytes:
    """Minutes of a's hearing as a real PDF: names in its text and its document information."""
    from .contest_files import pdf_with_metadata

    return pdf_with_metadata(
        "Протокол публичных слушаний. Жаны-Жол айыл аймагы, Первый район. Глава айыл окмоту "
        "Асанов Бакыт Токтогулович. Тел. +996 555 12 34 56, jany-jol@mail.kg.",
        title="Протокол Жаны-Жольского АО", author="Асанов Бакыт, Жаны-Жол АО")
#: Texts of application a, full of names of its municipality, villages, rayon and officials,
#: in several spellings (the anonymity scan must find none of them on a jury page).
SUMMARY_A = ("Жители сел Жаны-Жол-1 и Джаны-Джол-2 обсудили бюджет Жаны-Жол айыл аймагы. "
             "Глава Асанов Бакыт Токтогулович открыл слушания; Jany-Jol residents and "
             "Жаңы-Жол айыл аймагы youth came. Представители Первый район тоже. "
             "Жаны-Жольский айыл окмоту ответил на все предложения.")
OFFLINE_A = ("12 июля в клубе села Жаны-Жол-2: 64 человека (30 женщин), 11 предложений; "
             "протокол подписала Айгуль Токтогулова.")
HEAD_A = "Асанов Бакыт Токтогулович"
CONTACT_A = "Айгуль Токтогулова"


def at(day: date):
    """Move the clock to noon of ``day`` in the platform's time zone (time-machine)."""
    import time_machine

    return time_machine.travel(datetime.combine(day, time(12), tzinfo=ZoneInfo(TIME_ZONE)))


def within(ed, phase: str):
    """The clock in ``phase`` of the edition: today when today is in it, else its first day.

    Phases: applications, jury, review (after the jury period), results."""
    today = timezone.localdate()
    first, last = {"applications": (ed.applications_from, ed.applications_to),
                   "jury": (ed.jury_from, ed.jury_to),
                   "review": (ed.jury_to + timedelta(days=1), ed.results_date - timedelta(days=1)),
                   "results": (ed.results_date, date.max)}[phase]
    return nullcontext() if first <= today <= last else at(first)


def make_edition(year: int, by, *, state: str = "applications", start: date | None = None,
                 prizes=(300_000, 150_000)):
    """An edition with two criteria (weights 2 and 1), in ``state`` (setup or applications).

    Its dates follow ``start`` (default: 5 days ago): hearings from 55 to 5 days before it,
    applications from ``start`` for 11 days, the jury the 15 days after, results 5 days later.
    """
    from aimak_web.contests import services
    from aimak_web.contests.models import Criterion, Edition

    start = start or timezone.localdate() - timedelta(days=5)
    d = lambda days: start + timedelta(days=days)  # noqa: E731
    ed = Edition.objects.create(
        year=year, title_ru="Реальное участие граждан в формировании местных бюджетов",
        title_ky="Жергиликтүү бюджетти түзүүгө жарандардын катышуусу",
        rules_ru="Правила конкурса (тест).", rules_ky="Сынактын эрежелери (тест).",
        hearings_from=d(-55), hearings_to=d(-5), applications_from=d(0), applications_to=d(10),
        jury_from=d(11), jury_to=d(25), results_date=d(30), prize_bands={"": list(prizes)},
        created_by=by)
    ed.clean()  # the order of the dates
    six = [f"балл {i}" for i in range(6)]
    Criterion.objects.create(edition=ed, order=1, title_ru="Информирование", weight=2,
                             descriptors_ru=six, descriptors_ky=six)
    Criterion.objects.create(edition=ed, order=2, title_ru="Учёт предложений", weight=1,
                             descriptors_ru=six)
    if state != "setup":
        with within(ed, "applications"):
            services.open_applications(ed, by)
    return ed


def submit_application(ed, municipality, staff, *, summary="Слушания проведены.",
                       offline="", head="", contact="", evidence_name=None):
    from aimak_web.contests import services
    from aimak_web.contests.models import Application, Evidence

    with within(ed, "applications"):
        app = Application.objects.create(edition=ed, municipality=municipality,
                                         created_by=staff, summary=summary,
                                         offline_hearings=offline, head_name=head,
                                         contact_name=contact)
        if evidence_name:
            ev = Evidence(application=app, original_name=evidence_name,
                          description="Протокол, Жаны-Жол-2")
            ev.file.save("evidence.pdf", ContentFile(evidence_pdf()), save=True)
        services.submit(app, staff)
    return app


def seat(ed, user):
    from aimak_web.contests.models import JuryMember

    return JuryMember.objects.get_or_create(edition=ed, user=user)[0]


def start_jury(ed, by):
    from aimak_web.contests import services

    with within(ed, "jury"):
        services.start_jury(ed, by)


def close_jury(ed, by):
    from aimak_web.contests import services

    with within(ed, "review"):
        services.close_jury(ed, by)


def approve(ed, by):
    from aimak_web.contests import services

    with within(ed, "results"):
        services.approve(ed, by)


def score_all(member, app, values: dict[int, int]):
    """``values``: criterion order -> score, recorded in the jury window."""
    from aimak_web.contests import services

    with within(app.edition, "jury"):
        services.record_scores(member, app, {c: (values[c.order], "")
                                             for c in app.edition.criteria.all()})


def setup(ctx):
    """2026: in its jury window today, application of a (with a file) and one of b, which the
    seated juror declared a conflict with. 2025: published, one winner (municipality b).
    2024: in the jury state, its jury window over. 2027: being set up. 2028: taking
    applications (none yet)."""
    places, users = ctx["places"], ctx["users"]
    admin, staff = users["admin"], users["municipal_staff"]
    today = timezone.localdate()
    ed = make_edition(2026, admin, start=today - timedelta(days=15))
    app = submit_application(ed, places["a"], staff, summary=SUMMARY_A, offline=OFFLINE_A,
                             head=HEAD_A, contact=CONTACT_A,
                             evidence_name="Протокол_Жаны-Жол_2026.pdf")
    conflicted = submit_application(ed, places["b"], staff)
    member = seat(ed, users["jury"])
    member.conflict_municipalities.add(places["b"])
    start_jury(ed, admin)
    old = make_edition(2025, admin, start=today - timedelta(days=60))
    old_app = submit_application(old, places["b"], staff)
    old_member = seat(old, users["jury"])
    start_jury(old, admin)
    score_all(old_member, old_app, {1: 4, 2: 3})
    close_jury(old, admin)
    approve(old, admin)
    late = make_edition(2024, admin, start=today - timedelta(days=40))
    late_app = submit_application(late, places["a"], staff)
    seat(late, users["jury"])
    start_jury(late, admin)
    make_edition(2027, admin, state="setup")
    make_edition(2028, admin)
    from aimak_web.contests import services

    tokens = []
    services.invite_juror(ed, admin, "invited@test.local", "ru",
                          lambda token: tokens.append(token) or f"/contests/invitation/{token}/")
    ctx["contests"] = {"app": app, "member": member, "old_app": old_app,
                       "conflicted": conflicted, "late_app": late_app, "token": tokens[0]}


def _app(ctx, key="app"):
    return [2026, ctx["contests"][key].code]


def _edition_form(ctx, year):
    from aimak_web.contests.forms import EditionForm
    from aimak_web.contests.models import Edition

    return form_data(EditionForm(instance=Edition.objects.get(year=2027)), year=year)


def _scores(ctx, key="app"):
    data = {}
    for c in ctx["contests"][key].edition.criteria.all():
        data[f"score_{c.pk}"] = "4"
        data[f"comment_{c.pk}"] = "Хорошо"
    return data


def _application(ctx):
    return {"summary": "Слушания проведены", "head_name": "", "contact_name": "",
            "offline_hearings": ""}


def _to(name, year):
    return lambda ctx: f"/contests/{year}/{name}/" if name else f"/contests/{year}/"


ADMIN = only({"admin"})
JURY = only({"jury"})
EDITION_2026 = _to("", 2026)

ROWS = [
    Row("contests:index", everyone()),
    Row("contests:archive", everyone()),
    Row("contests:edition", everyone(), args=lambda ctx: [2026]),
    Row("contests:edition_new", ADMIN),
    Row("contests:edition_new", only({"admin"}, done(_to("criteria", 2031))), method="post",
        data=lambda ctx: _edition_form(ctx, 2031)),
    # an edition past its set-up is not editable: the organiser is sent back to its page
    Row("contests:edition_edit", only({"admin"}, back(EDITION_2026)), args=lambda ctx: [2026]),
    Row("contests:edition_edit", only({"admin"}, back(EDITION_2026)), args=lambda ctx: [2026],
        method="post", data=lambda ctx: _edition_form(ctx, 2026)),
    Row("contests:edition_edit", only({"admin"}, done(_to("criteria", 2027))),
        args=lambda ctx: [2027], method="post", data=lambda ctx: _edition_form(ctx, 2027)),
    Row("contests:criteria", ADMIN, args=lambda ctx: [2026]),
    Row("contests:criteria", only({"admin"}, done(_to("criteria", 2027))),
        args=lambda ctx: [2027], method="post",
        data=lambda ctx: {"order": 3, "title_ru": "Открытость", "weight": 1,
                          "descriptors_ru": "\n".join(f"балл {i}" for i in range(6))}),
    Row("contests:criteria", only({"admin"}, FORBIDDEN), args=lambda ctx: [2026], method="post",
        data=lambda ctx: {"order": 3, "title_ru": "Поздно", "weight": 1},
        note="criteria are fixed once applications open: 403 for the organiser too"),
    Row("contests:jurors", ADMIN, args=lambda ctx: [2026]),
    Row("contests:invite", signed_in(NOT_ALLOWED), args=lambda ctx: [2026]),
    Row("contests:invite", only({"admin"}, done(_to("jurors", 2026))), args=lambda ctx: [2026],
        method="post", data=lambda ctx: {"contact": "juror@test.local", "language": "ky"}),
    Row("contests:invitation", everyone(), args=lambda ctx: [ctx["contests"]["token"]]),
    # sent to invited@test.local: no role's account has that address
    Row("contests:invitation", {**signed_in(FORBIDDEN), "anonymous": SIGNIN},
        args=lambda ctx: [ctx["contests"]["token"]], method="post"),
    Row("contests:jurors", only({"admin"}, done(_to("jurors", 2027))), args=lambda ctx: [2027],
        method="post", data=lambda ctx: {"user": ctx["users"]["jury"].pk}),
    Row("contests:transition", signed_in(NOT_ALLOWED), args=lambda ctx: [2026]),
    # opening applications is not allowed during the jury: a message, back to the edition
    Row("contests:transition", only({"admin"}, back(EDITION_2026)), args=lambda ctx: [2026],
        method="post", data=lambda ctx: {"action": "open"}),
    Row("contests:transition", only({"admin"}, done(_to("", 2027))), args=lambda ctx: [2027],
        method="post", data=lambda ctx: {"action": "open"}),
    Row("contests:review", ADMIN, args=lambda ctx: [2025]),
    Row("contests:tie", signed_in(NOT_ALLOWED), args=lambda ctx: [2025]),
    # a published edition has no tie to decide: a message, back to the review
    Row("contests:tie", only({"admin"}, back(_to("review", 2025))), args=lambda ctx: [2025],
        method="post", data=lambda ctx: {"codes": "A-2025-001", "rule": "shared",
                                          "reason_ru": "x", "reason_ky": "x"}),
    Row("contests:export", ADMIN, args=lambda ctx: [2025]),
    Row("contests:certificate", everyone(),
        args=lambda ctx: [2025, ctx["contests"]["old_app"].code, "ky"]),
    # staff of any municipality may open the form (of c: closed window, nothing to edit)
    Row("contests:apply", only(STAFF_ROLES), args=lambda ctx: [2026]),
    # during the jury no application changes; in an edition taking applications staff apply
    Row("contests:apply", only(STAFF_ROLES, FORBIDDEN), args=lambda ctx: [2026],
        method="post", data=_application),
    Row("contests:apply", only(STAFF_ROLES, done(_to("apply", 2028))), args=lambda ctx: [2028],
        method="post", data=_application),
    Row("contests:apply_evidence", signed_in(NOT_ALLOWED), args=lambda ctx: [2026]),
    # a submitted application is locked; staff of c have no application to add files to
    Row("contests:apply_evidence", {**only({"municipal_staff"}, FORBIDDEN),
                                    "other_staff": MISSING},
        args=lambda ctx: [2026], method="post",
        data=lambda ctx: {"description": "протокол", "file": SimpleUploadedFile(
            "p.pdf", evidence_pdf(), content_type="application/pdf")}),
    Row("contests:apply_action", signed_in(NOT_ALLOWED), args=lambda ctx: [2026]),
    Row("contests:apply_action", {**only({"municipal_staff"}, back(_to("apply", 2026))),
                                  "other_staff": MISSING},
        args=lambda ctx: [2026], method="post", data=lambda ctx: {"action": "withdraw"},
        note="during the jury: refused with a message"),
    Row("contests:jury", JURY, args=lambda ctx: [2026]),
    Row("contests:conflicts", JURY, args=lambda ctx: [2026]),
    Row("contests:conflicts", only({"jury"}, done(_to("jury", 2026))), args=lambda ctx: [2026],
        method="post", data=lambda ctx: {"municipality": "", "rayon": "", "codes": ""}),
    Row("contests:jury_application", JURY, args=_app),
    Row("contests:jury_application", only({"jury"}, FORBIDDEN),
        args=lambda ctx: _app(ctx, "conflicted"), note="a declared conflict: never shown"),
    Row("contests:jury_application", only({"jury"}, done(_to("jury", 2026))), args=_app,
        method="post", data=_scores),
    # 2024 is still in its jury state, but its jury window is over: nothing is stored
    Row("contests:jury_application", only({"jury"}, FORBIDDEN),
        args=lambda ctx: [2024, ctx["contests"]["late_app"].code], method="post",
        data=lambda ctx: _scores(ctx, "late_app")),
    Row("contests:jury_application", only({"jury"}, FORBIDDEN),
        args=lambda ctx: _app(ctx, "conflicted"), method="post", data=_scores),
    Row("contests:jury_file", JURY,
        args=lambda ctx: [*_app(ctx), ctx["contests"]["app"].evidence.get().pk]),
]

__all__ = ["ROWS", "SIGNIN", "setup"]
