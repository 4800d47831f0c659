"""The project's import graph, read from the source with ``ast``, and the circles in it.

Every ``import`` statement counts, wherever it is: at module level, inside a function (run later,
but still a dependency), under ``if TYPE_CHECKING:`` (a circle of types is a circle of design).
Only imports of the project's own modules are edges; ``from package import name`` is an edge to
``package.name`` when that is a module, else to ``package``.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable
from pathlib import Path

__all__ = ["Graph", "cycles", "import_graph", "module_name"]

Graph = dict[str, set[str]]


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.Import | ast.ImportFrom, package: str, modules: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    base = node.module or ""
    if node.level:
        parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        base = ".".join([*parent, *([node.module] if node.module else [])])
    found = set()
    for alias in node.names:
        child = f"{base}.{alias.name}"
        if child in modules:
            found.add(child)
        elif base in modules:
            found.add(base)
    return found


def import_graph(root: Path, packages: Iterable[str]) -> Graph:
    """Module -> the project modules it imports, for every ``.py`` file under ``packages``."""
    paths = {
        module_name(root, path): path for name in packages for path in (root / name).rglob("*.py")
    }
    modules = set(paths)
    graph: Graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges |= _imported(node, package, modules)
        graph[name] = edges - {name}
    return graph


def _components(graph: Graph) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(component)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def _shortest_cycle(graph: Graph, members: set[str]) -> tuple[str, ...]:
    """A shortest circle through the first of ``members``, staying among them."""
    start = min(members)
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for target in sorted(graph[module] & members):
            if target == start:
                path = [module]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return (*reversed(path), start)
            if target not in previous:
                previous[target] = module
                queue.append(target)
    raise AssertionError(f"{sorted(members)} is not strongly connected")


def cycles(graph: Graph) -> dict[frozenset[str], tuple[str, ...]]:
    """Each group of modules that import each other (directly or around a circle), with one
    circle through them as its name: ``(a, b, c, a)``."""
    return {frozenset(group): _shortest_cycle(graph, group) for group in _components(graph)}
