"""The project's file-level import graph, checked against the map (docs/architecture.md): no module
imports one that imports it back (directly or around a circle), no app imports an app above it, and
`gpu_worker` imports neither Django nor any app of ours. Every import counts, the ones inside functions
included (they are how circles hide). Tests and migrations are outside the rules: tests exercise apps
together, and may import any app.

    python tools/import_graph.py            # prints what breaks the rules; exit status 1 if anything does
    python tools/import_graph.py --apps     # and which app imports which
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top: a layer may import only the layers before it (and itself). `reelremix` is two layers:
# its foundation (settings, errors, the broker, the scheduler...) under every app, and the composition
# root (URLs, ASGI, the CLI and the stack it starts) over all of them.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("gpu_worker", ("gpu_worker",)),
    (
        "foundation",
        (
            "reelremix.settings",
            "reelremix.settings_test",
            "reelremix.env",
            "reelremix.errors",
            "reelremix.db",
            "reelremix.redis_pools",
            "reelremix.redis_outage",
            "reelremix.cache",
            "reelremix.scheduler",
            "reelremix.pagination",
            "reelremix.checks",
            "reelremix.embedded",
            "reelremix.api_errors",
            "reelremix.api_fields",
            "reelremix.charts",
            "reelremix.api_schema",
            "reelremix.throttling",
            "reelremix.observability",
        ),
    ),
    ("tenants", ("tenants",)),
    ("accounts", ("accounts",)),
    ("team", ("team",)),
    ("billing", ("billing",)),
    ("media_jobs", ("media_jobs",)),
    ("moderation", ("moderation",)),
    ("search", ("search",)),
    ("clips", ("clips",)),
    ("recaps", ("recaps",)),
    ("upscale", ("upscale",)),
    ("webhooks", ("webhooks",)),
    ("privacy", ("privacy",)),
    ("root", ("reelremix", "reelremix.apps", "reelremix.broker", "manage", "bench", "tools", "conftest")),
]
# Third-party packages a layer must not import at all.
FORBIDDEN_PACKAGES = {"gpu_worker": ("django", "rest_framework", "channels", "dramatiq", "django_tenants")}
SKIPPED_DIRS = {".venv", "var", ".git", "node_modules", "migrations", "tests", "__pycache__"}


def project_modules() -> dict[str, Path]:
    """Dotted name -> file, for every Python file of the project outside tests and migrations."""
    found = {}
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_DIRS]  # never walk a virtualenv
        for name in files:
            path = Path(folder, name)
            if not name.endswith(".py") or not path.is_file():
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts:
                found[".".join(parts)] = path
    return found


def imported_names(path: Path, module: str, modules: dict[str, Path]) -> Iterator[str]:
    """Every name this file imports, resolved against the package it sits in: `from a import b` is
    `a.b` when that is a module of ours, else `a`. Imports under `if TYPE_CHECKING:` do not run and do
    not count."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _runtime_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, except the bodies of `if TYPE_CHECKING:` blocks."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module `name` refers to (a module, or the module holding the imported name)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def layer_of(module: str) -> int:
    """Index in LAYERS of the most specific prefix that matches."""
    best, best_length = len(LAYERS) - 1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    return best


def build_graph() -> tuple[dict[str, set[str]], list[str]]:
    """Edges between project modules, and the uses of forbidden packages."""
    modules = project_modules()
    edges: dict[str, set[str]] = defaultdict(set)
    forbidden = []
    for module, path in sorted(modules.items()):
        banned = FORBIDDEN_PACKAGES.get(LAYERS[layer_of(module)][0], ())
        for name in imported_names(path, module, modules):
            if name.split(".")[0] in banned:
                forbidden.append(f"{module} imports {name.split('.')[0]}")
            target = resolve(name, modules)
            if target is not None and target != module:
                edges[module].add(target)
    return edges, sorted(set(forbidden))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    sys.setrecursionlimit(10_000)
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def upward(edges: dict[str, set[str]]) -> list[str]:
    """Imports from a lower layer into a higher one."""
    return [
        f"{source} ({LAYERS[layer_of(source)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for source, targets in sorted(edges.items())
        for target in sorted(targets)
        if layer_of(target) > layer_of(source)
    ]


def violations() -> list[str]:
    """Everything that breaks the rules, one line each; empty when the graph is clean."""
    edges, forbidden = build_graph()
    found = [f"cycle: {' <-> '.join(component)}" for component in cycles(edges)]
    found += [f"upward: {line}" for line in upward(edges)]
    found += [f"forbidden: {line}" for line in forbidden]
    return found


def app_matrix(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    between: dict[str, set[str]] = defaultdict(set)
    for source, targets in edges.items():
        for target in targets:
            a, b = LAYERS[layer_of(source)][0], LAYERS[layer_of(target)][0]
            if a != b:
                between[a].add(b)
    return between


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", action="store_true", help="also print which layer imports which")
    args = parser.parse_args()
    if args.apps:
        edges, _ = build_graph()
        for source, targets in sorted(app_matrix(edges).items(), key=lambda kv: layer_of(kv[0])):
            print(f"{source} -> {', '.join(sorted(targets, key=layer_of))}")
    found = violations()
    print("\n".join(found) if found else "The import graph is clean: no cycles, no upward imports.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
