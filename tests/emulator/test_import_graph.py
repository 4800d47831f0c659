"""The emulator's modules import each other without a circle, counting every import: at module
level, inside functions and under ``TYPE_CHECKING`` (a circle hidden there is still a circle)."""

from __future__ import annotations

import ast
from pathlib import Path

import clerk_async.emulator

PACKAGE = "clerk_async.emulator"
ROOT = Path(clerk_async.emulator.__file__).parent


def module_names(root: Path, package: str) -> dict[str, Path]:
    names = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join((package, *parts))] = path
    return names


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that ``module`` imports, wherever the import statement is."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in targets:
            owner = name
            while owner and owner not in known:
                owner = owner.rpartition(".")[0]
            if owner and owner != module:
                found.add(owner)
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import path that leads from a module back to itself (one per circle)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(graph[module]):
            if target in path:
                found.append([*path[path.index(target) :], target])
            elif target not in done:
                visit(target, [*path, target])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    return found


def test_no_module_of_the_emulator_imports_itself_in_a_circle() -> None:
    known = module_names(ROOT, PACKAGE)
    graph = {module: imports_of(module, path, known) for module, path in known.items()}
    assert len(graph) > 20
    assert graph[f"{PACKAGE}.app"] >= {f"{PACKAGE}.control", f"{PACKAGE}.routing"}
    assert circles(graph) == []


def test_the_circle_finder_finds_a_hidden_circle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import B\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\n"
    )
    (package / "c.py").write_text("def f():\n    from pkg import d\n")
    (package / "d.py").write_text("import pkg.c\n")
    known = module_names(package, "pkg")
    graph = {module: imports_of(module, path, known) for module, path in known.items()}
    assert sorted(map(tuple, circles(graph))) == [
        ("pkg.a", "pkg.b", "pkg.a"),
        ("pkg.c", "pkg.d", "pkg.c"),
    ]
