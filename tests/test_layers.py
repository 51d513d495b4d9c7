"""The house stays easy to see: imports run down the floors (core, accounts, contacts, reverse_orders,
instruction_imports, webhooks, notifications, then the project's top floor: API, URLs, command line, bench, worker). `core` imports no app, no app imports another
app's pages, and at most two imports run back up."""
import ast
from pathlib import Path

import parcelback

SRC = Path(parcelback.__file__).parent
FLOORS = {
    "core": 0, "accounts": 1, "contacts": 1.5, "reverse_orders": 2, "instruction_imports": 2.5, "webhooks": 3,
    "notifications": 4, "dashboard": 4.5,
}
TOP = 5  # everything else: api.py, urls.py, cli.py, settings.py, bench/, worker/


def floor(module: str) -> int:
    part = module.split(".")[1] if module.count(".") else ""
    return FLOORS.get(part, TOP)


def imports() -> list[tuple[str, str]]:
    """(importing module, imported module) for every `parcelback.*` import outside migrations."""
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = "parcelback." + ".".join(path.relative_to(SRC).with_suffix("").parts)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rsplit(".", 1)[0]
                target = f"{base}.{node.module}" if node.level and node.module else (base if node.level else node.module)
                names = [target] + [f"{target}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [(module, name) for name in names if name and name.startswith("parcelback.")]
    return found


def test_core_imports_no_app():
    assert [(m, t) for m, t in imports() if m.startswith("parcelback.core") and floor(t) > 0] == []


def test_no_app_imports_another_apps_views():
    crossing = [
        (m, t) for m, t in imports()
        if ".views" in t and t.split(".")[1] != m.split(".")[1] and floor(m) < TOP
    ]
    assert crossing == []


def test_at_most_two_imports_run_back_up():
    upward = sorted({(m, t.rsplit(".", 1)[0] if t.count(".") > 2 else t) for m, t in imports() if floor(t) > floor(m)})
    upward_modules = sorted({(m, ".".join(t.split(".")[:3])) for m, t in upward})
    assert len(upward_modules) <= 2, upward_modules
