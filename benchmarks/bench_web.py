"""Platform pages under load: p95 latency at 50 concurrent clients, against a static file.

gunicorn serves the platform with the real Jalal-Abad places (76 municipalities) on SQLite and on
a throwaway PostgreSQL; wrk (Debian package ``wrk``) loads each page for a few seconds with 50
connections. The baseline is a static file served by the same gunicorn (whitenoise) in the same
run, so the ratio says what the page costs beyond the server itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "kyrgyzstan"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def _env(data: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "AIMAK_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE":
           "aimak_web.settings", "AIMAK_ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _prepare(env: dict[str, str], dataset: Path) -> None:
    run = lambda *a: subprocess.run([sys.executable, "-m", "aimak_web", *a], env=env,  # noqa: E731
                                    check=True, capture_output=True)
    run("migrate")
    run("createcachetable")
    run("collectstatic", "--noinput")
    run("import_places", str(dataset))


def _wrk(url: str, seconds: int, script: Path) -> tuple[int, int, float, float, float]:
    out = subprocess.run(["wrk", "-t2", "-c50", f"-d{seconds}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    n, errors, micros, p50, p95 = line.split()[1:]
    return int(n), int(errors), int(n) / (int(micros) / 1e6), float(p50), float(p95)


def _serve(env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "aimak_web.wsgi", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2", "--threads", "8",
                             "--worker-class", "gthread"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def run(quick: bool = False) -> None:
    if shutil.which("wrk") is None:
        print("skipped: wrk is not installed (apt-get install wrk)")
        return
    if not (SHARED / "SOURCES.md").exists():
        print("skipped: ../shared/data/kyrgyzstan is not present")
        return
    from aimak.kyrgyzstan.build import build_kyrgyzstan

    sys.path.insert(0, str(ROOT))
    from tests.web.pgserver import find_bindir, start

    seconds = 3 if quick else 8
    tmp = Path(tempfile.mkdtemp(prefix="aimak-bench-web-"))
    dataset = tmp / "jalal-abad.gpkg"
    build_kyrgyzstan(SHARED, "jalal-abad").dataset.write(dataset)
    script = tmp / "p95.lua"
    script.write_text(LUA)
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    pg = None
    bindir = find_bindir()
    if bindir is not None:
        pg = start(bindir)
        subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U",
                        pg.user, "aimak_bench"], check=True)
        backends.append(("postgresql", pg.url("aimak_bench")))
    else:
        print("PostgreSQL binaries not found: SQLite only")
    pages = {"static file (baseline)": "/static/aimak_web/site.css",
             "municipality list (search)": "/places/?q=jol",
             "rayon page (list)": "/places/rayon/41703215000000/",
             "municipality page (detail)": "/places/m/41703215819000/",
             "municipality map GeoJSON": "/places/m/41703215819000/map.geojson"}
    print(f"wrk: 2 threads, 50 connections, {seconds} s per page; gunicorn 2 workers x 8 threads")
    print(f"{'backend':11} {'page':30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p95/base':>9} {'errors':>7}")
    try:
        for i, (name, url) in enumerate(backends):
            data = tmp / name
            env = _env(data, url)
            _prepare(env, dataset)
            port = 8765 + i
            proc = _serve(env, port)
            try:
                base_p95 = None
                for label, path in pages.items():
                    _n, errors, rps, p50, p95 = _wrk(f"http://127.0.0.1:{port}{path}", seconds,
                                                    script)
                    base_p95 = base_p95 or p95
                    print(f"{name:11} {label:30} {rps:8.0f} {p50:8.1f} {p95:8.1f} "
                          f"{p95 / base_p95:9.1f} {errors:7d}")
            finally:
                proc.terminate()
                proc.wait()
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
