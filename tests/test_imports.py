"""The package's import graph: no cycles (lazy imports inside functions included), and the lowest
layers import nothing above them."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cause"
MODULES = {p.stem: p for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "_modidx")}


def imported(path: Path) -> set[str]:
    "The package's modules that `path` imports anywhere (top level or inside a function)."
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            name = (
                node.module.removeprefix("cause.").lstrip(".")
                if node.level or node.module.startswith("cause.")
                else ""
            )
            found.add(name.split(".")[0])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("cause.")}
    return found & set(MODULES)


def cycles(graph: dict[str, set]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), or a module importing
    itself."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while not comp or comp[-1] != v:
                comp.append(stack.pop())
                on.discard(comp[-1])
            if len(comp) > 1 or v in graph[v]:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


GRAPH = {m: imported(p) for m, p in MODULES.items()}


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_has_no_cycles():
    assert len(GRAPH) >= 30
    assert cycles(GRAPH) == []


def test_the_lowest_layers_import_nothing_above_them():
    assert GRAPH["config"] == set()  # typed settings only
    assert GRAPH["runtime"] == set()  # seeds, threads, stopwatches
    assert GRAPH["store"] <= {
        "config"
    }  # run folders, fingerprints, atomic writes, locks, table and figure writers
