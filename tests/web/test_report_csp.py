"""The analysis report served by the platform works under its CSP: its inline styles and script
run in a sandbox with a policy of its own, and the browser logs no console error (before: the
site's strict policy blocked the report's inline styles, 141 console errors on the demo's).

``AIMAK_REPORT_HTML=path/to/report.html`` adds the report of a real ``aimak demo`` run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: SYNTHETIC test document shaped like the report: inline style, inline script, a data: image
DOCUMENT = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<style>body { color: rgb(1, 2, 3); } .map { width: 10px; height: 10px; }</style></head>
<body><h1 style="margin: 0">Отчёт (synthetic test document)</h1><div class="map"></div>
<img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<script>document.body.dataset.ran = "1";</script></body></html>"""


def _reports(tmp_path) -> list[Path]:
    synthetic = tmp_path / "report.html"
    synthetic.write_text(DOCUMENT, encoding="utf-8")
    out = [synthetic]
    real = os.environ.get("AIMAK_REPORT_HTML")
    if real and Path(real).is_file():
        out.append(Path(real))
    return out


def test_report_runs_in_its_sandbox_without_console_errors(page, live_server, tmp_path):
    from aimak_web.territory.models import Analysis

    for path in _reports(tmp_path):
        a = Analysis.objects.create(title="report test", dataset_path="-", times_path="-",
                                    report_path=str(path))
        page.watch.errors.clear()
        response = page.goto(f"{live_server.url}/territory/analyses/{a.pk}/report.html")
        policy = response.headers["content-security-policy"]
        assert "sandbox allow-scripts" in policy and "allow-same-origin" not in policy
        assert "connect-src 'none'" in policy
        page.wait_for_load_state("load")
        if path.name == "report.html" and path.parent == tmp_path:
            assert page.evaluate("document.body.dataset.ran") == "1"  # the inline script ran
            assert page.evaluate("getComputedStyle(document.body).color") == "rgb(1, 2, 3)"
        assert page.watch.errors == [], f"{path}: {page.watch.errors[:5]}"
        assert page.watch.outside == []
