"""Issue 13's floors: an app imports only apps on lower floors (function-local imports count),
and the pure engines import no Django. Checked for the apps already on their floor; an app
joins ``CHECKED`` once its upward imports are gone (plannerist, kpis, reviews: in progress)."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FLOORS = ["plannerist", "sales", "forecasting", "campaigns", "capacity", "kpis", "reviews", "cockpit"]
CHECKED = ["sales", "forecasting", "campaigns", "capacity"]
PURE = ["campaigns/engine", "capacity/engine", "forecasting/engine", "sales/readers"]


def _imports(folder: pathlib.Path):
    """(file:line, module) of every absolute import under ``folder``, at any depth."""
    for path in sorted(folder.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                yield f"{path.relative_to(ROOT)}:{node.lineno}", name


@pytest.mark.parametrize("app", CHECKED)
def test_an_app_imports_only_apps_on_lower_floors(app):
    above = set(FLOORS[FLOORS.index(app) + 1:])
    upward = [f"{where} imports {name}" for where, name in _imports(ROOT / app) if name.split(".")[0] in above]
    assert upward == [], f"{app} may import only {FLOORS[:FLOORS.index(app)]}: " + "; ".join(upward)


@pytest.mark.parametrize("package", [p for p in PURE if (ROOT / p).is_dir()])
def test_a_pure_engine_imports_no_django_and_no_app(package):
    own = package.replace("/", ".")
    impure = [f"{where} imports {name}" for where, name in _imports(ROOT / package)
              if name.split(".")[0] in {"django", *FLOORS} and not (name == own or name.startswith(own + "."))]
    assert impure == [], "; ".join(impure)


def test_the_check_finds_an_upward_import(tmp_path, monkeypatch):
    """The scan sees a function-local import (so a failure above would name it)."""
    module = tmp_path / "campaigns" / "views.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from capacity.selectors import x\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert list(_imports(tmp_path / "campaigns")) == [("campaigns/views.py:2", "capacity.selectors")]
