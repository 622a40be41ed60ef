"""Every notebook of nbs/ carries outputs made from its current code: `make outputs` executes and
stamps them, and this check fails on a notebook without outputs or with outputs older than its
code."""

import importlib.util
import json

from conftest import ROOT

TOOL = ROOT / "tools" / "notebook_outputs.py"
spec = importlib.util.spec_from_file_location("notebook_outputs", TOOL)
outputs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(outputs)


def _notebook(path, code: str, output: bool, results: bool = False):
    "A one-cell notebook at `path` (with an output, and the results front matter, if asked)."
    cell = {"cell_type": "code", "execution_count": 1, "id": "a", "metadata": {}}
    cell["source"] = [code]
    printed = {"output_type": "stream", "name": "stdout", "text": ["1\n"]}
    cell["outputs"] = [printed] if output else []
    front = {"cell_type": "raw", "id": "f", "metadata": {}, "source": ["---\nskip_exec: true\n---"]}
    nb = {"cells": ([front] if results else []) + [cell], "metadata": {}, "nbformat": 4}
    nb["nbformat_minor"] = 5
    path.write_text(json.dumps(nb))
    return path


def test_the_check_finds_missing_unstamped_and_stale_outputs(tmp_path):
    bare = _notebook(tmp_path / "bare.ipynb", "print(1)", output=False)
    assert outputs.problems(bare) == ["no outputs"]
    made = _notebook(tmp_path / "made.ipynb", "print(1)", output=True)
    assert outputs.problems(made) == ["no stamp (execute it with tools/notebook_outputs.py)"]
    outputs.stamp(made)
    assert outputs.problems(made) == []
    nb = json.loads(made.read_text())
    nb["cells"][0]["source"] = ["print(2)"]  # the code changes, the output does not
    made.write_text(json.dumps(nb))
    assert outputs.problems(made) == ["stale: its code changed after its outputs were made"]
    # a results notebook not yet executed by its own command is not stale
    assert outputs.problems(_notebook(tmp_path / "r.ipynb", "x", output=False, results=True)) == []


def test_every_notebook_has_outputs_of_its_current_code():
    notebooks = sorted((ROOT / "nbs").glob("*.ipynb"))
    assert len(notebooks) >= 30
    found = {p.name: outputs.problems(p) for p in notebooks}
    bad = {name: why for name, why in found.items() if why}
    assert bad == {}, "run `make outputs` (or tools/notebook_outputs.py NAME):\n" + "\n".join(
        f"{k}: {'; '.join(v)}" for k, v in bad.items()
    )
