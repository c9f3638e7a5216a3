"""No dead code in ``src``: every top-level function of the package is used by the package
itself. A function only tests call is a test helper and lives in ``tests/``; one nothing
calls is removed (it is the next maintainer's false lead). Decorated functions (commands,
routes, fixtures: registered by their decorator) and dunders are exempt."""

from __future__ import annotations

import ast
from pathlib import Path

import wildtrace

SRC = Path(wildtrace.__file__).parent
DOCS = SRC.parents[1] / "docs"

#: Functions that are Python API for users (documented in ``docs/``) rather than called by
#: the package; each must stay documented (checked below), or it is dead code after all.
PUBLIC_API = {"crawl/history.py": {"listing_history": "crawling.md"}}
#: Alembic calls ``upgrade`` / ``downgrade`` of each migration module by name.
MIGRATIONS = "store/migrations/versions/"


def _unused_functions(root: Path = SRC) -> list[str]:
    """Top-level functions of ``src`` that no code in ``src`` refers to: a reference is an
    AST name (a call, a callback) or attribute, or an entry of a package's ``__all__``; never
    a mention in a comment, a docstring or another string, nor the definition itself."""
    trees = {path: ast.parse(path.read_text("utf-8")) for path in sorted(root.rglob("*.py"))}
    used: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
            ):  # a package's declared API (``__all__``), not any string that happens to match
                used.update(item.value for item in ast.walk(node.value) if isinstance(item, ast.Constant))
    unused = []
    for path, tree in trees.items():
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.decorator_list:
                continue
            if node.name.startswith("__") or node.name in used:
                continue
            name = str(path.relative_to(root))
            if name.startswith(MIGRATIONS) and node.name in {"upgrade", "downgrade"}:
                continue
            if node.name in PUBLIC_API.get(name, {}):
                continue
            unused.append(f"{name}: {node.name}")
    return unused


def test_every_top_level_function_in_src_is_used_in_src() -> None:
    assert _unused_functions() == []


def test_public_api_exemptions_are_documented() -> None:
    for module, functions in PUBLIC_API.items():
        for function, doc in functions.items():
            assert f"{module[:-3].replace('/', '.')}.{function}" in (DOCS / doc).read_text("utf-8")


def test_a_function_named_only_in_a_comment_or_docstring_counts_as_unused(tmp_path: Path) -> None:
    """The rule itself: a mention in prose or in a string is no use (``_drop_conflicts``
    once passed so, and the demo site's ``main`` by an HTML tag list)."""
    prose = 'def helper() -> None:\n    """Called by nobody; see helper."""\n\n\n# helper kept\n'
    code = "def used() -> None: ...\n\n\nCALLBACK = used\nTAGS = ('helper', 'main')\n"
    code += "\n\ndef exported() -> None: ...\n\n\n__all__ = ['exported']\n"
    (tmp_path / "a.py").write_text(prose + code, "utf-8")
    assert _unused_functions(tmp_path) == ["a.py: helper"]
