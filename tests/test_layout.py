"""The house rules that the layout promises, checked on the source: no import cycles,
extraction free of the crawler and the archive, a sentence atop every module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scraper", "spiders", "archive")
# What the extraction library must never load: it is HTML in, an article out.
NOT_IN_EXTRACTION = ("scrapy", "twisted", "sqlite3", "sqlite_utils", "redis", "scrapy_redis", "archive")


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported_names(path: Path, module: str) -> set[str]:
    """Every module this one imports, at the top or inside functions, with ``from x import y``
    counted as ``x.y`` (resolved to ``x`` later when ``y`` is not a module)."""
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges = set()
        for name in imported_names(path, module):
            parts = name.split(".")
            # Importing a.b.c runs a/__init__ and a/b/__init__ too.
            edges.update(".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in modules)
        # A module's own packages are initialised before it runs: importing a sibling through them is no cycle.
        graph[module] = {edge for edge in edges if not module.startswith(edge + ".") and edge != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_extraction_imports_neither_crawler_nor_archive() -> None:
    graph = import_graph()
    modules = project_modules()
    for module in (name for name in modules if name.startswith("scraper.extract")):
        inside = {name for name in graph[module] if not name.startswith("scraper.extract")} - {"scraper"}
        assert not inside, f"{module} imports {inside}"
        outside = {name.split(".")[0] for name in imported_names(modules[module], module)}
        assert not outside & set(NOT_IN_EXTRACTION), f"{module} imports {outside & set(NOT_IN_EXTRACTION)}"


def test_distributed_mode_depends_on_the_crawl_never_the_reverse() -> None:
    graph = import_graph()
    for module, edges in graph.items():
        if not module.startswith("scraper.distributed") and module != "scraper.cli":
            assert not {e for e in edges if e.startswith("scraper.distributed")}, module


def test_every_module_says_what_it_owns() -> None:
    for module, path in project_modules().items():
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring and docstring.strip(), f"{module} has no docstring"
