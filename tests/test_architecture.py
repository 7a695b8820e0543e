"""The core library never imports the web application or Django (the house's first rule)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import aimak


def test_core_modules_import_without_web_packages():
    """Import every module of the core in a fresh interpreter; no web package gets loaded."""
    names = [m.name for m in pkgutil.walk_packages(aimak.__path__, "aimak.")
             if ".tests" not in m.name]
    code = ("import importlib, sys\n"
            f"for n in {names!r}:\n    importlib.import_module(n)\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'django', 'aimak_web', 'rest_framework'})\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
    assert len(names) > 20


def test_import_linter_contract_holds():
    """The same rule as a static contract over every import statement (import-linter)."""
    from pathlib import Path

    exe = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(exe)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 kept, 0 broken" in out.stdout
