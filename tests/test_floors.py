"""Issue 13's floors: data flows one way and imports follow it.

plannerist (the foundation) → sales → forecasting → campaigns → capacity → kpis → reviews →
cockpit. An app imports only apps on lower floors — function-local imports included — so no
two apps import each other, and the foundation imports no feature app. The pure packages
(every ``<app>/engine/`` and ``sales/readers/``) import no Django and no other app.

What the redesign has not reached yet is listed in ``PENDING``, file by file, with the apps it
still imports upward: a new upward import anywhere fails, and so does a listed one that is
gone (take it off the list), so the list only shrinks and always says what is left.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FLOORS = ["plannerist", "sales", "forecasting", "campaigns", "capacity", "kpis", "reviews", "cockpit"]
# Not yet on its floor (issue 13): nothing left. A file that imports an app above it for a
# while is listed here with those apps, and taken off when it no longer does.
PENDING_APPS: set[str] = set()
PENDING: dict[str, set[str]] = {}
PURE = sorted(
    [str(p.relative_to(ROOT)) for p in ROOT.glob("*/engine") if p.parent.name in FLOORS] + ["sales/readers"]
)


def _imports(folder: pathlib.Path, root: pathlib.Path = ROOT):
    """(file, line, module) of every absolute import under ``folder``, at any depth."""
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
                yield str(path.relative_to(root)), node.lineno, name


def _upward(app: str, root: pathlib.Path = ROOT):
    above = set(FLOORS[FLOORS.index(app) + 1:])
    return [(f, line, name) for f, line, name in _imports(root / app, root) if name.split(".")[0] in above]


def test_every_app_is_on_a_floor():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps - set(FLOORS) == set(), "an app without a floor: add it to FLOORS"
    assert set(FLOORS) - apps - {"plannerist"} == PENDING_APPS


@pytest.mark.parametrize("app", [a for a in FLOORS if (ROOT / a).is_dir()])
def test_an_app_imports_only_apps_on_lower_floors(app):
    upward = [
        f"{f}:{line} imports {name}"
        for f, line, name in _upward(app)
        if name.split(".")[0] not in PENDING.get(f, set())
    ]
    assert upward == [], f"{app} may import only {FLOORS[:FLOORS.index(app)] or 'no feature app'}:\n" + "\n".join(upward)


def test_what_is_pending_is_still_true():
    found: dict[str, set[str]] = {}
    for app in FLOORS:
        if (ROOT / app).is_dir():
            for f, _, name in _upward(app):
                found.setdefault(f, set()).add(name.split(".")[0])
    stale = {f: sorted(apps - found.get(f, set())) for f, apps in PENDING.items() if apps - found.get(f, set())}
    assert stale == {}, f"no longer imported upward, take them off PENDING: {stale}"


@pytest.mark.parametrize("package", PURE)
def test_a_pure_package_imports_no_django_and_no_other_app(package):
    own = package.replace("/", ".")
    impure = [
        f"{f}:{line} imports {name}"
        for f, line, name in _imports(ROOT / package)
        if name.split(".")[0] in {"django", *FLOORS} and not (name == own or name.startswith(own + "."))
    ]
    assert impure == [], "\n".join(impure)


def test_the_scan_finds_a_function_local_upward_import(tmp_path):
    module = tmp_path / "campaigns" / "views.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from capacity.selectors import x\n")
    assert _upward("campaigns", tmp_path) == [("campaigns/views.py", 2, "capacity.selectors")]
