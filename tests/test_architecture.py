"""The architecture holds: dependencies point one way (import-linter's contracts in
pyproject.toml), no import hides inside a function to dodge a cycle, and no module outside the
service layer writes a story-owned record (statically here; tests/write_contract.py checks
every write at run time too)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.write_contract import SERVICE_MODULES, STORY_OWNED

ROOT = Path(__file__).resolve().parent.parent
APPS = ("stories", "sources", "partners", "newsdesk")
PROJECT_PREFIXES = tuple(f"{app}." for app in APPS) + APPS
WRITES = {"save", "delete", "update", "create", "bulk_create", "bulk_update"}
WRITES |= {"get_or_create", "update_or_create"}
# Function-level imports that are the framework's way, not a dodge: an app's ready() connects
# its receivers and registers its tasks.
LAZY_IMPORT_ALLOWED = {"stories/apps.py", "sources/apps.py", "partners/apps.py"}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, ast.parse(path.read_text(), filename=relative)


def test_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_no_function_level_imports_of_our_own_modules():
    found = []
    for relative, tree in _modules():
        if relative in LAZY_IMPORT_ALLOWED:
            continue
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                names = []
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                if any(name.startswith(PROJECT_PREFIXES) for name in names):
                    found.append(f"{relative}:{node.lineno} imports {', '.join(names)}")
    assert not found, "Imports inside functions (move them to the top):\n" + "\n".join(found)


def _chain_root(node) -> str | None:
    """`Story.objects.filter(...).update` → "Story"."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def test_only_the_service_layer_writes_story_owned_records():
    owned = {model.__name__ for model in STORY_OWNED}
    found = []
    for relative, tree in _modules():
        if relative.startswith(SERVICE_MODULES) or relative.endswith("/models.py"):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr in WRITES and _chain_root(node.func.value) in owned:
                found.append(f"{relative}:{node.lineno} {ast.unparse(node.func)}()")
    assert not found, "Story-owned records written outside the services:\n" + "\n".join(found)


@pytest.mark.parametrize("model", STORY_OWNED, ids=lambda m: m.__name__)
def test_the_write_check_catches_a_direct_write(model):
    """The static check itself can fail: a direct write in an edge module is found."""
    edge = ast.parse(f"def view(request):\n    {model.__name__}.objects.filter(pk=1).delete()\n")
    calls = [n for n in ast.walk(edge) if isinstance(n, ast.Call) and n.func.attr == "delete"]
    assert _chain_root(calls[0].func.value) == model.__name__
