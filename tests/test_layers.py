"""Imports go downward only: lib → record → work → index → pages (docs/architecture.md).

Every `import motcua.X` or `from motcua.X… import` in the package (inside functions too) is read from the
source; an app may import its own modules and those of the apps below it, never one above it. Within a
layer the order below is the order of dependence, so no two apps can import each other.
"""

import ast
from pathlib import Path

import motcua

LAYERS = (
    ("lib", ("lib", "env", "formats", "standins")),
    ("record", ("core", "units", "citizens", "catalog", "changes", "outbox", "dossiers", "feedback", "ratings", "payments", "interchange")),
    ("work", ("results", "datastore", "notify", "applications", "usage", "surveys", "office", "plans", "sync")),
    ("index", ("indicators", "national", "targets", "fixfirst", "forecasting", "reports")),
    ("pages", ("pages", "portal", "controlroom", "demo")),
)
RANK = {app: rank for rank, app in enumerate(app for _layer, apps in LAYERS for app in apps)}
# The project's entry points sit above every app.
TOP = {"settings", "urls", "wsgi", "cli", "__main__", "__init__"}
ROOT = Path(motcua.__file__).parent


def imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "motcua":
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "motcua":
                    yield alias.name, node.lineno


def upward_imports(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts:
            continue
        source = relative.parts[0].removesuffix(".py")
        if source in TOP:
            continue
        for module, line in imports(path):
            target = module.split(".")[1] if "." in module else ""
            if target in ("", source):
                continue
            if target not in RANK or source not in RANK:
                found.append(f"{relative}:{line}: {source} or {target} is in no layer of tests/test_layers.py")
            elif RANK[target] > RANK[source]:
                found.append(f"{relative}:{line}: {source} imports {module}, which is above it")
    return found


def test_every_app_is_in_a_layer():
    apps = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps <= set(RANK), sorted(apps - set(RANK))


def test_imports_go_downward_only():
    assert upward_imports() == []


def test_the_check_finds_an_upward_import(tmp_path):
    (tmp_path / "dossiers").mkdir()
    (tmp_path / "dossiers" / "lifecycle.py").write_text(
        "def f():\n    from motcua.indicators.live import engine\n", encoding="utf-8")
    assert upward_imports(tmp_path) == [
        "dossiers/lifecycle.py:2: dossiers imports motcua.indicators.live, which is above it"]
