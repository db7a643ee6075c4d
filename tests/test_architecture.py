"""The shape of the code: no import cycle, no private name taken from another package, no
module over 400 lines (STYLE.md). A walk over the source's syntax trees, no import."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"corpus": ROOT / "src" / "corpus", "flows": ROOT / "flows"}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for `corpus` and `flows`."""
    out = {}
    for name, root in PACKAGES.items():
        for path in sorted(root.rglob("*.py")):
            parts = [name, *path.relative_to(root).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import, at module level or inside a function (a deferred import is a dependency
    too), but not those under `if TYPE_CHECKING:`."""
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _type_checking(node):
            todo.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        todo.extend(ast.iter_child_nodes(node))


def _imports(module: str, path: Path) -> Iterator[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for each import of `module`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        names = [a.name for a in node.names]
        for name in names:  # `from pkg import module` imports the module
            if f"{base}.{name}" in MODULES:
                yield f"{base}.{name}", [], node.lineno
        yield base, [n for n in names if f"{base}.{n}" not in MODULES], node.lineno


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules it imports. Importing `a.b.c` runs `a/__init__` and `a/b/__init__`
    first: those are edges too, except to the importer's own packages (a package's
    `__init__` importing its own modules is no cycle)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        own = set(_ancestors(module))
        for target, _, _ in _imports(module, path):
            for name in [*_ancestors(target), target]:
                if name in MODULES and name != module and name not in own:
                    graph[module].add(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _path(graph: dict[str, set[str]], component: list[str]) -> str:
    """One cycle through the component's first module, for the failure message."""
    inside, start = set(component), component[0]
    previous: dict[str, str] = {}
    todo = [start]
    while todo:
        node = todo.pop(0)
        for child in sorted(graph[node] & inside):
            if child == start:
                chain = [node]
                while chain[-1] != start:
                    chain.append(previous[chain[-1]])
                return " -> ".join([start, *reversed(chain[:-1]), start])
            if child not in previous:
                previous[child] = node
                todo.append(child)
    return ", ".join(component)


def test_the_walk_sees_the_packages():
    graph = import_graph()
    assert {"corpus.config", "corpus.records", "corpus.text.segment", "flows.pipeline"} <= set(
        graph)
    assert "corpus.records" in graph["corpus.text.segment"]


def test_the_checker_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert _path(graph, ["a", "b", "c"]) == "a -> b -> c -> a"


def test_no_import_cycle():
    graph = import_graph()
    found = [_path(graph, c) for c in cycles(graph)]
    assert not found, "cycles d'imports :\n" + "\n".join(found)


def _package(module: str) -> str:
    """The stage package a module belongs to (`corpus.text`, `corpus.config`, `flows`)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "corpus" else parts[0]


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The module graph seen a level up: stage package -> the packages it imports."""
    out: dict[str, set[str]] = {_package(m): set() for m in graph}
    for module, targets in graph.items():
        out[_package(module)] |= {_package(t) for t in targets} - {_package(module)}
    return out


def test_no_cycle_between_packages():
    """`corpus.records` importing `corpus.text` while `text` imports the records was one: the
    domain records depend on no stage (their French words are in `corpus.lang`)."""
    graph = package_graph(import_graph())
    found = [_path(graph, c) for c in cycles(graph)]
    assert not found, "cycles entre paquets :\n" + "\n".join(found)


def test_language_data_depends_on_nothing():
    graph = import_graph()
    assert not {t for m in ("corpus.lang", "corpus.lang.fr") for t in graph[m]}
    assert graph["corpus.records"] <= {"corpus.lang", "corpus.lang.fr"}


def root_users() -> list[str]:
    """`module:line` for each module that uses the root package itself (`import corpus`, or a
    name defined in `corpus/__init__`): the walk above leaves out edges to a module's own
    packages, and the root reaches the API (`corpus.open`), which reaches every stage."""
    found = []
    for module, path in MODULES.items():
        if not module.startswith("corpus."):
            continue
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                hit = any(a.name == "corpus" for a in node.names)
            else:
                hit = node.module == "corpus" and not node.level and any(
                    f"corpus.{a.name}" not in MODULES for a in node.names)
            if hit:
                found.append(f"{module}:{node.lineno}")
    return found


def test_no_module_leans_on_the_root_package():
    found = root_users()
    assert not found, "modules qui importent le paquet racine corpus :\n" + "\n".join(found)


# `corpus` and `flows` are one cycle a level up as long as the command line (`corpus.cli`)
# starts the flows, which run `corpus`: the one known exception (issue 20; the lead moves this
# wiring). No other module of `corpus` may import `flows`.
KNOWN_FLOWS_IMPORTERS = "corpus.cli"


def test_only_the_command_line_imports_the_flows():
    graph = import_graph()
    found = sorted(m for m, targets in graph.items()
                   if m.startswith("corpus") and any(t.startswith("flows") for t in targets)
                   and _package(m) != KNOWN_FLOWS_IMPORTERS)
    assert not found, f"modules de corpus qui importent flows : {found}"


def private_imports() -> list[str]:
    """`module:line imports pkg._name` for private names taken across packages."""
    found = []
    for module, path in MODULES.items():
        for target, names, line in _imports(module, path):
            if not target.startswith(tuple(PACKAGES)) or _package(target) == _package(module):
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            private += [p for p in target.split(".") if p.startswith("_") and p != "__init__"]
            found += [f"{module}:{line} imports {target}.{n}" for n in private]
    return found


def test_no_private_name_is_taken_from_another_package():
    found = private_imports()
    assert not found, "noms privés importés d'un autre paquet :\n" + "\n".join(found)


# Over the limit at d7ea23e, being split by the other parts of issue 20: strict xfails, so that
# each one, once split, must leave this list.
TOO_LONG: set[str] = set()


@pytest.mark.parametrize("module", [
    pytest.param(m, marks=pytest.mark.xfail(strict=True, reason="issue 20: to split"))
    if m in TOO_LONG else m for m in sorted(MODULES)])
def test_modules_stay_short(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[module].relative_to(ROOT)} : {lines} lignes"


def _environment_reads(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, variable) for each read of a CORPUS_* variable: `os.environ.get("CORPUS_X")`,
    `os.getenv("CORPUS_X")`, `os.environ["CORPUS_X"]` (writes are not reads)."""
    constants = {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                 and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                 for t in n.targets if isinstance(t, ast.Name)}  # DEBUG_ENV = "CORPUS_DEBUG"

    def corpus_name(node: ast.AST) -> str | None:
        value = node.value if isinstance(node, ast.Constant) else (
            constants.get(node.id) if isinstance(node, ast.Name) else None)
        return value if isinstance(value, str) and value.startswith("CORPUS_") else None

    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "getenv", "pop") and node.args
                and (name := corpus_name(node.args[0]))):
            yield node.lineno, name
        elif (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
              and isinstance(node.value, ast.Attribute) and node.value.attr == "environ"
              and (name := corpus_name(node.slice))):
            yield node.lineno, name


def test_only_the_settings_read_corpus_variables():
    """`corpus.config` reads the environment once, with one rule; a module reading a CORPUS_*
    variable itself would bring back a second rule (CORPUS_DEBUG=false on in one place)."""
    found = [f"{module}:{line} lit {name}"
             for module, path in MODULES.items() if module != "corpus.config"
             for line, name in _environment_reads(ast.parse(path.read_text(encoding="utf-8")))]
    assert not found, "\n".join(found)


def test_the_reader_check_sees_a_read():
    tree = ast.parse('import os\nos.environ.get("CORPUS_X", "")\nos.environ["CORPUS_Y"]\n'
                     'os.environ["CORPUS_Z"] = "1"\nV = "CORPUS_V"\nos.getenv(V)\n')
    assert sorted(_environment_reads(tree)) == [(2, "CORPUS_X"), (3, "CORPUS_Y"), (6, "CORPUS_V")]
