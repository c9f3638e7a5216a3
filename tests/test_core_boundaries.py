"""The pure core stays pure (DESIGN.md, "Rules of the house"): ``model``, ``parse``,
``detect``, ``extract``, ``link`` and ``pipeline`` import no framework and no adapter, and
read no file but their own stage data. An import-linter, in three checks:

1. each core module, imported alone in a fresh interpreter, loads no forbidden module;
2. no import statement in the core source names one, not even inside a function (a lazy
   import escapes check 1 until the function runs);
3. the core source calls no file or process I/O except at the few places, listed below
   with their reason, that read a stage's data files.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import wildtrace

SRC = Path(wildtrace.__file__).parent
CORE_PACKAGES = ("parse", "detect", "extract", "link", "reference")
CORE_MODULES = ("model", "pipeline", "errors")

#: Frameworks and adapters the core must never import (a module or any of its submodules).
FORBIDDEN = (
    "sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "uvicorn", "jinja2", "scrapy",
    "scrapy_redis", "twisted", "typer", "click", "rich", "pyspark", "redis", "warcio", "openpyxl",
    "httpx", "requests", "aiohttp",
    "wildtrace.collect", "wildtrace.store", "wildtrace.evidence", "wildtrace.crawl", "wildtrace.ops",
    "wildtrace.web", "wildtrace.share", "wildtrace.cli", "wildtrace.commands", "wildtrace.scanning",
    "wildtrace.runners", "wildtrace.report", "wildtrace.demo",
)  # fmt: skip

#: Standard modules for processes, sockets and file trees: libraries the core uses (NumPy)
#: load some of them, but no core source may import one itself.
FORBIDDEN_IN_SOURCE = (*FORBIDDEN, "subprocess", "socket", "shutil", "tempfile", "urllib.request")

#: Calls that touch files or processes, by name (a builtin) or attribute.
IO_NAMES = frozenset({"open", "exec", "eval", "__import__"})
IO_ATTRIBUTES = frozenset({
    "read_text", "read_bytes", "write_text", "write_bytes", "open", "mkdir", "unlink", "touch",
    "rmdir", "iterdir", "glob", "rglob", "save", "savez", "savez_compressed", "load", "loadtxt",
    "write_gexf", "write_graphml", "rename", "remove", "makedirs", "listdir", "scandir", "walk",
    "system", "popen", "urlopen", "chmod",
})  # fmt: skip

#: (module, function, call) sites allowed to read beyond the package's own data (which is
#: always allowed, see ``_io_calls``): each reads a stage's data from a file its setting
#: names, or works in memory.
ALLOWED_IO = {
    # the digest of every detection data file, so that stored analyses go stale with them
    ("pipeline.py", "detection_data_digest", "path.read_bytes"),
    # detection data: lexicon and taxa (packaged, or a CITES checklist named by its setting),
    # the model (packaged, or named by WILDTRACE_DETECTOR_MODEL)
    ("detect/learned.py", "load", "path.read_bytes"),
    ("detect/learned.py", "default_model", "LearnedModel.load"),
    # a model's bytes in memory (a file's, or the store's active model given by its adapter)
    ("detect/learned.py", "from_bytes", "np.load"),
    ("detect/learned.py", "install_model", "LearnedModel.from_bytes"),
    ("detect/lexicon.py", "load_terms", "path.open"),
    ("detect/lexicon.py", "load_appendices", "path.open"),
    # the model to bytes in memory (np.savez_compressed into a BytesIO; the caller writes)
    ("detect/learned.py", "to_bytes", "np.savez_compressed"),
    # exchange rates: the file WILDTRACE_RATES names
    ("extract/money.py", "rates", "Path(path).read_text"),
    # decodes image bytes already in memory (Image.open over io.BytesIO)
    ("link/images.py", "hash_bytes", "Image.open"),
}


def _core_files() -> list[Path]:
    files = [SRC / f"{name}.py" for name in CORE_MODULES]
    for package in CORE_PACKAGES:
        files += sorted((SRC / package).rglob("*.py"))
    return files


def _core_module_names() -> list[str]:
    names = [f"wildtrace.{name}" for name in CORE_MODULES]
    for package in CORE_PACKAGES:
        names.append(f"wildtrace.{package}")
        names += [info.name for info in pkgutil.walk_packages([str(SRC / package)], f"wildtrace.{package}.")]
    return names


def _forbidden(module: str, names: tuple[str, ...] = FORBIDDEN) -> bool:
    return any(module == name or module.startswith(name + ".") for name in names)


def test_each_core_module_imports_no_framework_or_adapter() -> None:
    names = _core_module_names()
    assert "wildtrace.link.images" in names and "wildtrace.detect.training" in names
    script = (
        "import importlib, json, sys\n"
        "found = {}\n"
        f"for name in {names!r}:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        "    found[name] = sorted(set(sys.modules) - before)\n"
        "print(json.dumps(found))\n"
    )
    # one fresh interpreter per module would be cleaner but slow: in one interpreter, a
    # module is charged with what it imports first; a forbidden module anywhere still shows
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(result.stdout)
    bad = {name: [m for m in modules if _forbidden(m)] for name, modules in loaded.items()}
    assert {name: modules for name, modules in bad.items() if modules} == {}


@pytest.mark.parametrize("package", ["wildtrace.detect", "wildtrace.link", "wildtrace.pipeline"])
def test_a_core_package_alone_in_a_fresh_interpreter_stays_pure(package: str) -> None:
    script = f"import json, sys, {package}\nprint(json.dumps(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert [m for m in json.loads(result.stdout) if _forbidden(m)] == []


def _imports(tree: ast.AST, path: Path, root: Path = SRC) -> list[str]:
    package = ".".join(("wildtrace", *path.relative_to(root).parent.parts))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return found


def test_no_import_statement_in_the_core_names_a_framework_or_adapter() -> None:
    bad = {}
    for path in _core_files():
        imported = _imports(ast.parse(path.read_text("utf-8")), path)
        names = [name for name in imported if _forbidden(name, FORBIDDEN_IN_SOURCE)]
        if names:
            bad[str(path.relative_to(SRC))] = names
    assert bad == {}


#: Reads that are package data when their receiver comes from ``resources.files(...)``.
PACKAGE_READS = frozenset({"read_text", "read_bytes", "open"})


def _package_data_names(function: ast.AST) -> set[str]:
    """Names a function binds to a path inside the installed package (resources.files)."""
    return {
        target.id
        for node in ast.walk(function)
        if isinstance(node, ast.Assign) and "resources.files(" in ast.unparse(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _io_calls(path: Path, root: Path = SRC) -> set[tuple[str, str, str]]:
    """(module, enclosing function, call) for every I/O-looking call in ``path``, except
    reads of the package's own data (a receiver from ``resources.files``): those are
    always allowed, so that a stage may add data files without touching this test."""
    relative = path.relative_to(root).as_posix()
    found: set[tuple[str, str, str]] = set()

    def package_read(call: ast.Attribute, names: set[str]) -> bool:
        receiver = call.value
        return call.attr in PACKAGE_READS and (
            "resources.files(" in ast.unparse(receiver)
            or (isinstance(receiver, ast.Name) and receiver.id in names)
        )

    def visit(node: ast.AST, function: str, names: set[str]) -> None:
        for child in ast.iter_child_nodes(node):
            inner, inner_names = function, names
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner, inner_names = child.name, _package_data_names(child)
            if isinstance(child, ast.Call):
                call = child.func
                if isinstance(call, ast.Name) and call.id in IO_NAMES:
                    found.add((relative, function, call.id))
                elif (
                    isinstance(call, ast.Attribute)
                    and call.attr in IO_ATTRIBUTES
                    and not package_read(call, names)
                ):
                    found.add((relative, function, ast.unparse(call)))
            visit(child, inner, inner_names)

    visit(ast.parse(path.read_text("utf-8")), "<module>", set())
    return found


def test_the_core_reads_no_file_but_its_stage_data_and_writes_none() -> None:
    calls = set().union(*(_io_calls(path) for path in _core_files()))
    assert sorted(calls - ALLOWED_IO) == []


def test_the_checker_sees_io_where_it_is(tmp_path: Path) -> None:
    """The AST checks find what they look for (a checker that sees nothing proves nothing)."""
    package = tmp_path / "wildtrace" / "link"
    package.mkdir(parents=True)
    sample = package / "sample.py"
    sample.write_text(
        "def export(graph, path):\n"
        "    from wildtrace.collect import read_file\n"
        "    import warcio.archiveiterator\n"
        "    path.write_text('x')\n"
        "    data = resources.files('wildtrace.link') / 'data' / 'x.csv'\n"
        "    data.read_text()\n"
        "    with open(path) as f:\n"
        "        return f\n",
        encoding="utf-8",
    )
    root = tmp_path / "wildtrace"
    relative = sample.relative_to(root).as_posix()
    assert _io_calls(sample, root) == {(relative, "export", "path.write_text"), (relative, "export", "open")}
    imported = _imports(ast.parse(sample.read_text("utf-8")), sample, root)
    assert {"wildtrace.collect", "warcio.archiveiterator"} <= {name for name in imported if _forbidden(name)}


#: Modules still reaching into a stage, owned by other areas of issue 10 (collect, crawl,
#: store): they switch to the stage's exports in their own branches. Shrinks, never grows.
REACHING_IN_ELSEWHERE: set[tuple[str, str]] = set()


def test_stages_are_reached_through_their_exports() -> None:
    """``pipeline``, the adapters and the other stages import what a stage exports from its
    ``__init__`` (``from wildtrace.detect import ...``), never its inside modules."""
    found = set()
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        own = relative.parts[0] if len(relative.parts) > 1 else None
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            if len(parts) > 2 and parts[0] == "wildtrace" and parts[1] in CORE_PACKAGES and parts[1] != own:
                found.add((relative.as_posix(), node.module))
    assert sorted(found - REACHING_IN_ELSEWHERE) == []
