"""Which app may import which (README.md, "Layering rules"), read from every module's imports with ``ast``.

An app imports only apps of a lower layer: an import upwards is how a cycle starts, and function-local
imports are how one hides. Both kinds are read (module-level and inside functions); a function-local
import of anything is refused unless ``LOCAL_IMPORTS_ALLOWED`` says why it is there.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "quipu_portal"

# Lowest first: an app may import its own modules and those of the apps in lower layers.
LAYERS = (
    {"quipu"},  # the API client: imports no other app
    {"connections"},
    {"core"},
    {"files"},  # generated files (PDF bundles, exports): where they lie, when they expire, clean-up
    {"audit"},  # the change log: every write path (resource_admin, jobs) records through it
    {"jobs"},
    {"resource_admin"},
    {"bulk_categories", "bulk_delete", "pdfs", "exports", "tax_previews", "quarter_review", "dashboard"},
    {
        "book_entries",
        "invoices",
        "simplified_invoices",
        "additional_income",
        "tickets",
        "paysheets",
        "contacts",
        "numbering_series",
        "accounting_categories",
        "accounting_subcategories",
        "analytic_categories",
        "attachments",
    },
    {"settings", "formats", "urls", "wsgi"},  # the project's wiring, above every app
)
# Feature apps share a layer; one may use another only along these edges (no cycle among them).
FEATURE_USES = {
    "dashboard": {"pdfs"},
    "exports": {"pdfs"},
    "tax_previews": {"pdfs"},
    "quarter_review": {"bulk_categories", "tax_previews"},
}
# Separate programs: the sandbox imports no portal app and no portal app imports it; the benchmarks
# drive the whole portal from outside and nothing imports them.
APART = {"sandbox", "benchmarks"}
# The one module the sandbox shares with the portal: plain data the Quipu API itself defines.
API_CONTRACT = "quipu_portal.quipu.contract"
# Modules that every app above ``quipu`` may import, whatever its layer: they import nothing from the
# portal but quipu's errors.
SHARED_MODULES = {"quipu_portal.core.htmx"}

# Function-local imports with a reason. Every function of an ``apps.py`` may import (Django runs them
# once the app registry is ready: checks, signal handlers, schedules); anything else must be here.
LOCAL_IMPORTS_ALLOWED = {
    # Third-party packages loaded only by the code path that needs them.
    ("quipu_portal.exports.writers", "xlsxwriter"),  # only when an XLSX file is written
    ("quipu_portal.quipu.budget", "redis"),  # only with REDIS_URL
    # The client (and so the budget) is imported by settings-time code; its database store reaches
    # its model only when a request is paced, once the app registry is ready.
    ("quipu_portal.quipu.budget", "quipu_portal.quipu.models"),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module (for ``from x import y``: x)
    line: int
    local: bool  # inside a function


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == PACKAGE and len(parts) > 1 else None


def imports_of(path: Path, *, root: Path = ROOT) -> list[Import]:
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    local_nodes = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for inner in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            targets = [".".join([*base, node.module] if node.module else base)]
        else:
            continue
        found += [Import(module, target, node.lineno, id(node) in local_nodes) for target in targets]
    return found


def portal_imports() -> list[Import]:
    paths = sorted((ROOT / PACKAGE).rglob("*.py"))
    return [found for path in paths if "migrations" not in path.parts for found in imports_of(path)]


def layer_of(app: str) -> int:
    return next(index for index, apps in enumerate(LAYERS) if app in apps)


def import_allowed(importer: str, imported: str, target: str) -> bool:
    if importer == imported or importer == "benchmarks":
        return True
    if importer == "sandbox" and target == API_CONTRACT:
        return True
    if importer in APART or imported in APART:
        return False
    if target in SHARED_MODULES or any(target.startswith(shared + ".") for shared in SHARED_MODULES):
        return importer != "quipu"
    if layer_of(importer) == layer_of(imported):
        return imported in FEATURE_USES.get(importer, set())
    return layer_of(importer) > layer_of(imported)


def breaches() -> dict[tuple[str, str], list[str]]:
    """Every breach of the rules, keyed by (importing app, imported app) for an import across layers and
    by (module, imported module) for a function-local import, with where it happens."""
    found: dict[tuple[str, str], list[str]] = {}
    for item in portal_imports():
        where = f"{item.module}:{item.line} imports {item.target}"
        importer, imported = app_of(item.module), app_of(item.target)
        if imported is not None and not import_allowed(importer, imported, item.target):
            found.setdefault((importer, imported), []).append(where)
        if (
            item.local
            and app_of(item.module) not in APART
            and not item.module.endswith(".apps")
            and (item.module, item.target) not in LOCAL_IMPORTS_ALLOWED
        ):
            found.setdefault((item.module, item.target), []).append(where + " inside a function")
    return found


def test_every_app_is_placed_in_a_layer():
    apps = {path.parent.name for path in (ROOT / PACKAGE).glob("*/__init__.py")}
    modules = {path.stem for path in (ROOT / PACKAGE).glob("*.py") if path.stem != "__init__"}
    placed = set().union(*LAYERS, APART)
    assert apps | modules <= placed, f"place these in LAYERS or APART: {sorted((apps | modules) - placed)}"


def test_imports_follow_the_layering_rules():
    found = breaches()
    assert not found, "imports that break the layering rules (README.md):\n" + "\n".join(
        line for lines in found.values() for line in lines
    )


def test_the_reader_sees_function_local_and_relative_imports(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    source = package / "mod.py"
    source.write_text("from . import sibling\nfrom .other import x\n\ndef f():\n    import json\n")
    found = imports_of(source, root=tmp_path)
    assert [(item.target, item.local) for item in found] == [
        ("pkg", False),
        ("pkg.other", False),
        ("json", True),
    ]
