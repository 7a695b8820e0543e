"""A busy hearing: readers and writers at once, on PostgreSQL, against a static file.

A SYNTHETIC hearing of the Jalal-Abad demo municipality (Bürgöndü) carries 1,000 comments and 200
proposals by 50 synthetic verified residents (texts labelled as benchmark data). gunicorn serves
it on a throwaway PostgreSQL; wrk reads the hearing page with 100 connections while 10 writers,
each a signed-in resident, post comments through the real form (CSRF, rate limit and all) at
about one every 0.3 s. The baseline is a static file read the same way in the same run. After
the run the number of comments in the database is compared with the number of posts the server
accepted: every accepted comment must be there.
"""

from __future__ import annotations

import http.cookiejar
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks.bench_web import LUA, ROOT, SHARED, _env, _prepare, _serve

MUNICIPALITY = "41703215819000"
N_COMMENTS, N_PROPOSALS, N_AUTHORS, N_WRITERS = 1000, 200, 50, 10
CSRF = "b" * 32  # the CSRF secret the writers set as their cookie and send with the form


def seed() -> None:
    """Create the synthetic hearing and the writers' sessions (run inside the server's env)."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from aimak_web.accounts.models import User
    from aimak_web.hearings.models import BudgetLine, Comment, Hearing, Proposal, State
    from aimak_web.places.models import Municipality

    m = Municipality.objects.get(code=MUNICIPALITY)
    now = timezone.now()
    users = User.objects.bulk_create([
        User(username=f"bench{i}", email=f"bench{i}@bench.invalid", role="citizen",
             municipality=m, residence_verified_at=now, residence_method="manual",
             first_name=f"Synthetic resident {i}") for i in range(N_AUTHORS)])
    h = Hearing.objects.create(
        municipality=m, subject="draft_budget", year=2027, state=State.OPEN,
        title_ru="Синтетические слушания (бенчмарк)", title_ky="Синтетикалык угуу (бенчмарк)",
        # comments run around today: the procedure takes input only within its period
        notice_date=now.date() - timedelta(days=10), comments_from=now.date() - timedelta(days=1),
        comments_until=now.date() + timedelta(days=30), meeting_place="—",
        meeting_at=now + timedelta(days=20))
    lines = BudgetLine.objects.bulk_create([
        BudgetLine(hearing=h, section="expenditure", code=f"{i:04d}",
                   name_ru=f"Синтетическая строка {i}", amount_2=100, amount_3=110,
                   source="synthetic benchmark line") for i in range(20)])
    Comment.objects.bulk_create([
        Comment(hearing=h, author=users[i % N_AUTHORS], line=lines[i % 20] if i % 3 else None,
                text=f"Синтетический комментарий {i} (бенчмарк)") for i in range(N_COMMENTS)])
    Proposal.objects.bulk_create([
        Proposal(hearing=h, author=users[i % N_AUTHORS], line=lines[i % 20],
                 title=f"Синтетическое предложение {i}", text="Бенчмарк")
        for i in range(N_PROPOSALS)])
    for i, user in enumerate(users[:N_WRITERS]):
        s = SessionStore()
        s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "aimak_web.accounts.backends." \
            "EmailOrPhoneBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        print(f"SESSION {i} {s.session_key}")
    print(f"HEARING {h.pk}")


def count(hearing: int) -> int:
    import django

    django.setup()
    from aimak_web.hearings.models import Comment

    return Comment.objects.filter(hearing_id=hearing).count()


def _django(env: dict[str, str], code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


def _writer(base: str, hearing: int, session: str, stop: threading.Event,
            results: list[tuple[int, int]]) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                         _NoRedirect())
    for name, value in (("sessionid", session), ("csrftoken", CSRF)):
        jar.set_cookie(http.cookiejar.Cookie(0, name, value, None, False, "127.0.0.1", False,
                                             False, "/", True, False, None, True, None, None,
                                             {}))
    accepted = refused = 0
    n = 0
    while not stop.is_set():
        n += 1
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF, "line": "",
                                       "text": f"Синтетический комментарий писателя {n}"})
        req = urllib.request.Request(f"{base}/hearings/{hearing}/comment/", body.encode(),
                                     headers={"Referer": base + "/"})
        try:
            with opener.open(req, timeout=30) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        if status == 302:
            accepted += 1
        else:
            refused += 1
        stop.wait(0.3)
    results.append((accepted, refused))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the 302 is the answer we count
        return None


def _wrk(url: str, seconds: int, script: Path) -> tuple[int, int, float, float, float]:
    out = subprocess.run(["wrk", "-t2", "-c100", f"-d{seconds}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    n, errors, micros, p50, p95 = line.split()[1:]
    return int(n), int(errors), int(n) / (int(micros) / 1e6), float(p50), float(p95)


def run(quick: bool = False) -> None:
    if shutil.which("wrk") is None:
        print("skipped: wrk is not installed (apt-get install wrk)")
        return
    if not (SHARED / "SOURCES.md").exists():
        print("skipped: ../shared/data/kyrgyzstan is not present")
        return
    sys.path.insert(0, str(ROOT))
    from tests.web.pgserver import find_bindir, start

    from aimak.kyrgyzstan.build import build_kyrgyzstan

    bindir = find_bindir()
    if bindir is None:
        print("skipped: PostgreSQL binaries not found")
        return
    seconds = 4 if quick else 10
    tmp = Path(tempfile.mkdtemp(prefix="aimak-bench-hearing-"))
    pg = start(bindir)
    try:
        subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U",
                        pg.user, "aimak_bench"], check=True)
        dataset = tmp / "jalal-abad.gpkg"
        build_kyrgyzstan(SHARED, "jalal-abad").dataset.write(dataset)
        (tmp / "p95.lua").write_text(LUA)
        env = {**_env(tmp / "data", pg.url("aimak_bench")), "PYTHONPATH": str(ROOT)}
        _prepare(env, dataset)
        out = _django(env, "import benchmarks.bench_hearing as b; b.seed()")
        sessions = [ln.split()[2] for ln in out.splitlines() if ln.startswith("SESSION")]
        hearing = int(next(ln for ln in out.splitlines() if ln.startswith("HEARING")).split()[1])
        before = N_COMMENTS
        port = 8791
        proc = _serve(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            print(f"SYNTHETIC hearing: {N_COMMENTS} comments, {N_PROPOSALS} proposals; wrk 2 "
                  f"threads, 100 connections, {seconds} s; gunicorn 2 workers x 8 threads")
            print(f"{'page':34} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p95/base':>8} "
                  f"{'errors':>6}")
            rows = [("static file (baseline)", "/static/aimak_web/site.css", False),
                    ("hearing page, readers only", f"/hearings/{hearing}/", False),
                    ("hearing page, 10 writers posting", f"/hearings/{hearing}/", True)]
            base_p95 = None
            results: list[tuple[int, int]] = []
            for label, path, writers in rows:
                stop = threading.Event()
                threads = [threading.Thread(target=_writer, args=(base, hearing, s, stop,
                                                                  results))
                           for s in sessions] if writers else []
                for t in threads:
                    t.start()
                _n, errors, rps, p50, p95 = _wrk(base + path, seconds, tmp / "p95.lua")
                stop.set()
                for t in threads:
                    t.join()
                base_p95 = base_p95 or p95
                print(f"{label:34} {rps:7.0f} {p50:7.1f} {p95:7.1f} {p95 / base_p95:8.1f} "
                      f"{errors:6d}")
        finally:
            proc.terminate()
            proc.wait()
        accepted = sum(a for a, _r in results)
        refused = sum(r for _a, r in results)
        after = int(_django(env, "import benchmarks.bench_hearing as b; "
                                 f"print(b.count({hearing}))"))
        verdict = "ok" if after - before == accepted else "MISMATCH"
        print(f"comments posted and accepted: {accepted} (refused: {refused}, the rate limit "
              f"is {os.environ.get('AIMAK_RATE_POST', '30/10m')} per user); in the database: "
              f"{after - before} new -> {verdict}")
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
