"""The CI audit step (.ci/audit_report.py): a known vulnerability with a fix fails; one without
a fix, or a service that did not answer, does not, and is said plainly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "audit_report.py"


def _run(tmp_path, kind: str, report: dict) -> subprocess.CompletedProcess:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    return subprocess.run([sys.executable, str(SCRIPT), kind, str(path)], capture_output=True,
                          text=True)


def _pip(vulns, skip=None):
    dep = {"name": "django", "version": "4.2.0", "vulns": vulns}
    if skip:
        dep = {"name": "django", "skip_reason": skip}
    return {"dependencies": [dep, {"name": "six", "version": "1.16.0", "vulns": []}]}


@pytest.mark.parametrize("report,code,said", [
    (_pip([{"id": "PYSEC-2023-61", "fix_versions": ["4.2.2"]}]), 1, "FIXABLE"),
    (_pip([{"id": "GHSA-x", "fix_versions": []}]), 0, "no fix yet"),
    (_pip([]), 0, "2 packages checked"),
    (_pip([], skip="Dependency not found on PyPI"), 0, "NOT CHECKED"),
])
def test_pip_audit_report(tmp_path, report, code, said):
    out = _run(tmp_path, "pip", report)
    assert out.returncode == code and said in out.stdout


@pytest.mark.parametrize("report,code,said", [
    ({"auditReportVersion": 2, "vulnerabilities": {
        "leaflet": {"severity": "high", "fixAvailable": True}}}, 1, "FIXABLE"),
    ({"auditReportVersion": 2, "vulnerabilities": {
        "leaflet": {"severity": "low", "fixAvailable": False}}}, 0, "no fix yet"),
    ({"message": "405 Method Not Allowed", "statusCode": 405}, 0, "NOT CHECKED"),
])
def test_npm_audit_report(tmp_path, report, code, said):
    out = _run(tmp_path, "npm", report)
    assert out.returncode == code and said in out.stdout
