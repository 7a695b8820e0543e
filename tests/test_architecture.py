"""The house's rules: the core never imports the web; each layer imports only the layers below
it; no module imports itself through others. Imports inside functions count everywhere."""

from __future__ import annotations

import ast
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import aimak

SRC = Path(aimak.__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
CONFIG = SRC.parent / "pyproject.toml"


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


def _lint(*, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([str(LINT), "--config", str(CONFIG), "--no-cache"],
                          capture_output=True, text=True, env=env)


def test_import_linter_contracts_hold():
    """The forbidden, layers and acyclic contracts of pyproject.toml, over every import."""
    out = _lint()
    assert out.returncode == 0, out.stdout + out.stderr
    assert "4 kept, 0 broken" in out.stdout


# --------------------------------------------------------------------- a graph of our own
def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> modules of ``package`` it imports, read with ``ast`` from every import
    statement (at the top, inside functions, under ``if TYPE_CHECKING``), relative ones
    resolved. Independent of import-linter, so the two check each other."""
    base = root / package
    modules: dict[str, Path] = {}
    for path in base.rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path

    def owner(name: str) -> str | None:  # the module that defines ``name``
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(filter(None, (owner(a.name) for a in node.names)))
            elif isinstance(node, ast.ImportFrom):
                target = node.module or ""
                if node.level:
                    up = here.split(".")[:len(here.split(".")) - node.level + 1]
                    target = ".".join(up + ([target] if target else []))
                for a in node.names:
                    full = f"{target}.{a.name}"
                    found.add(owner(full) if full in modules else owner(target))
        found.discard(None)
        found.discard(name)
        graph[name] = found
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def test_circles_found_by_hand():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_through_others():
    for package in ("aimak", "aimak_web"):
        graph = import_graph(SRC, package)
        assert len(graph) > 30
        assert circles(graph) == [], package


def test_a_new_upward_import_breaks_the_contracts(tmp_path):
    """Copy the source, add imports inside functions that go up a floor (the core's io reads
    the pipeline; the web's core app reads the places app) and watch both checks fail."""
    copy = tmp_path / "src"
    for package in ("aimak", "aimak_web"):
        shutil.copytree(SRC / package, copy / package,
                        ignore=shutil.ignore_patterns("__pycache__", "locale", "static"))
    with (copy / "aimak" / "io.py").open("a", encoding="utf-8") as f:
        f.write("\n\ndef _upward():\n    from aimak.pipeline import run\n\n    return run\n")
    with (copy / "aimak_web" / "core" / "text.py").open("a", encoding="utf-8") as f:
        f.write("\n\ndef _upward():\n    from aimak_web.places import models\n\n"
                "    return models\n")
    out = _lint(pythonpath=copy)
    assert out.returncode != 0
    assert "The core's layers: each imports only the layers below it BROKEN" in out.stdout
    assert "The web apps' layers" in out.stdout and "BROKEN" in out.stdout
    assert "aimak.io -> aimak.pipeline" in out.stdout
    found = circles(import_graph(copy, "aimak"))
    assert any("aimak.io" in c and "aimak.pipeline" in c for c in found)
