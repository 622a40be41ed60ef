"""The project's Python keeps one style: lines of at most 100 characters and one statement per line
in the library, its tests, tools and benchmarks; a docstring on every public function of the
library.
"""

import ast
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p for p in (ROOT / "cause").glob("*.py") if p.name != "_modidx.py")
SCRIPTS = sorted(p for d in ("tests", "tools", "benchmarks") for p in (ROOT / d).glob("*.py"))


def generated_lines(source: str) -> set[int]:
    """Line numbers of the `__all__` list that nbdev-export writes (120 characters wide, not ours to
    wrap)."""
    spans = [
        (n.lineno, n.end_lineno)
        for n in ast.parse(source).body
        if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
    ]
    return {i for a, b in spans for i in range(a, b + 1)}


def long_lines(path: Path, width: int = 100) -> list[str]:
    "`file:line` of every line of `path` longer than `width` characters, nbdev's `__all__` aside."
    source = path.read_text(encoding="utf-8")
    skip = generated_lines(source)
    return [
        f"{path.name}:{i}"
        for i, line in enumerate(source.splitlines(), 1)
        if len(line) > width and i not in skip
    ]


def chained_statements(path: Path) -> list[str]:
    """`file:line` of every `;` that separates statements (found by the tokenizer, so strings do not
    count)."""
    with path.open(encoding="utf-8") as f:
        tokens = list(tokenize.generate_tokens(f.readline))
    return [
        f"{path.name}:{t.start[0]}" for t in tokens if t.type == tokenize.OP and t.string == ";"
    ]


def test_style_checks_find_what_they_look_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("a = 1; b = 2\ns = 'x; y'\n" + "c = " + "1 + " * 30 + "1\n")
    assert chained_statements(bad) == ["bad.py:1"]
    assert long_lines(bad) == ["bad.py:3"]
    generated = tmp_path / "generated.py"
    generated.write_text("__all__ = [" + "'name', " * 20 + "]\n")
    assert long_lines(generated) == []


def test_no_line_is_longer_than_100_characters():
    assert len(MODULES) >= 20
    assert [hit for p in MODULES + SCRIPTS for hit in long_lines(p)] == []


def test_no_line_chains_statements():
    assert [hit for p in MODULES + SCRIPTS for hit in chained_statements(p)] == []


def undocumented(path: Path) -> list[str]:
    "`file:line:name` of every public function, method or class of `path` without a docstring."
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [
        f"{path.name}:{n.lineno}:{n.name}"
        for n in ast.walk(tree)
        if isinstance(n, kinds) and not n.name.startswith("_") and not ast.get_docstring(n)
    ]


def test_every_public_function_of_the_library_has_a_docstring(tmp_path):
    demo = tmp_path / "demo.py"
    demo.write_text('def f():\n    "Doc."\n\ndef g():\n    return 1\n\ndef _h():\n    return 2\n')
    assert undocumented(demo) == ["demo.py:4:g"]
    assert [hit for p in MODULES for hit in undocumented(p)] == []
