"""Read pip-audit's and npm audit's JSON reports: exit 1 when a known vulnerability has a fix.

``python .ci/audit_report.py pip|npm REPORT.json``. A package that could not be looked up, or an
advisory service that did not answer, is said as NOT CHECKED (never as "no vulnerabilities").
"""

from __future__ import annotations

import json
import sys


def pip_report(report: dict) -> int:
    deps = report.get("dependencies", [])
    fixable, unfixed = [], []
    for d in deps:
        for v in d.get("vulns", []):
            line = (f"{d['name']} {d['version']}: {v['id']} (fixed in "
                    f"{', '.join(v.get('fix_versions') or []) or 'no release yet'})")
            (fixable if v.get("fix_versions") else unfixed).append(line)
    for line in unfixed:
        print("  known, no fix yet:", line)
    for line in fixable:
        print("  FIXABLE:", line)
    skipped = [d for d in deps if d.get("skip_reason")]
    if skipped:
        print(f"  NOT CHECKED: {len(skipped)} of {len(deps)} packages could not be looked up, "
              f"e.g. {skipped[0]['skip_reason']!r}: the advisory data (PyPI's per-release JSON "
              f"or OSV) is not reachable from this machine; run 'make audit' where it is")
    print(f"  {len(deps) - len(skipped)} packages checked; {len(fixable)} fixable, "
          f"{len(unfixed)} without a fix")
    return 1 if fixable else 0


def npm_report(report: dict) -> int:
    if "auditReportVersion" not in report:  # an error: the advisory endpoint did not answer
        error = report.get("error") or {}
        reason = report.get("message") or error.get("summary") or error.get("code") or "no answer"
        print(f"  NOT CHECKED: the advisory endpoint of the npm registry did not answer from "
              f"this machine ({reason}); run 'npm audit --omit=dev' where it answers")
        return 0
    vulns = report.get("vulnerabilities", {})
    fixable = [name for name, v in vulns.items() if v.get("fixAvailable")]
    for name, v in vulns.items():
        kind = "FIXABLE" if name in fixable else "known, no fix yet"
        print(f"  {kind}: {name} ({v.get('severity')})")
    print(f"  {len(vulns)} vulnerable packages; {len(fixable)} fixable")
    return 1 if fixable else 0


def main(argv: list[str]) -> int:
    kind, path = argv
    try:
        with open(path, encoding="utf-8") as fh:
            report = json.load(fh)
    except (OSError, ValueError):
        report = {}
    if kind == "pip" and not report:
        print("  NOT CHECKED: pip-audit wrote no report (its advisory service did not answer)")
        return 0
    return pip_report(report) if kind == "pip" else npm_report(report)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
