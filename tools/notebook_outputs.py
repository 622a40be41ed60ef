"""Execute the notebooks in place so that they carry their outputs (`make outputs`), stamp them, and
check the stamps.

    python tools/notebook_outputs.py            # execute every notebook of nbs/ in place, stamp it
    python tools/notebook_outputs.py 13_ccmr    # just these
    python tools/notebook_outputs.py --stamp 30_faithfulness_study  # a results notebook, run apart
    python tools/notebook_outputs.py --check    # every notebook has outputs of its current code

A notebook is executed as its tests execute it (nbdev-test --save: working folder nbs/, one thread,
cells flagged slow skipped); stderr streams (warnings, progress bars with rates) are dropped and
nbdev-clean removes timing metadata, so the outputs change only when what they show changes. The
stamp is `metadata.cause.code_sha256`, a hash of the notebook's code cells when its outputs were
made: `--check` fails for a notebook without outputs, without a stamp, or whose code changed after
its outputs were made (stale). The results notebooks (front matter `skip_exec: true`: hours of runs)
are executed by their own commands (README) and only stamped here.
"""

import argparse, hashlib, json, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"


def code_sha(nb: dict) -> str:
    "A hash of the notebook's code cells, in order."
    code = "\n\0".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return hashlib.sha256(code.encode()).hexdigest()


def is_results(nb: dict) -> bool:
    """Whether the notebook is a results notebook (front matter `skip_exec: true`), executed by its
    own command.
    """
    first = nb["cells"][0] if nb["cells"] else {}
    return first.get("cell_type") == "raw" and "skip_exec: true" in "".join(first.get("source", []))


def stamp(path: Path):
    "Record the hash of `path`'s code in its metadata."
    nb = json.loads(path.read_text())
    nb["metadata"]["cause"] = {"code_sha256": code_sha(nb)}
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def execute(path: Path):
    """Run `path` in place as its tests run it (`nbdev-test --save`: cwd nbs/, one thread, the cells
    flagged `slow` or `notest` skipped), drop stderr, nbdev-clean it, stamp it."""
    bin_dir = Path(sys.executable).parent
    env = {
        "OMP_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(Path.home()),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "MPLBACKEND": "Agg",
        **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
    }
    run = subprocess.run(
        [str(bin_dir / "nbdev-test"), "--save", path.name],
        env=env,
        cwd=NBS,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        sys.exit(f"{path.name} failed:\n{run.stderr[-3000:]}")
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [
                o
                for o in cell["outputs"]
                if not (o["output_type"] == "stream" and o["name"] == "stderr")
            ]
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    subprocess.run([str(bin_dir / "nbdev-clean"), "--fname", str(path)], check=True, cwd=ROOT)
    stamp(path)


def problems(path: Path) -> list[str]:
    """Why `path`'s outputs cannot be trusted: none, no stamp, or code changed since they were made.
    A results notebook without outputs is not a problem (its own command, hours of runs, makes
    them); with outputs, they must be stamped and current like any other."""
    nb = json.loads(path.read_text())
    has_outputs = any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    if not has_outputs:
        return [] if is_results(nb) else ["no outputs"]
    saved = nb["metadata"].get("cause", {}).get("code_sha256")
    if saved is None:
        return ["no stamp (execute it with tools/notebook_outputs.py)"]
    if saved != code_sha(nb):
        return ["stale: its code changed after its outputs were made"]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "names", nargs="*", help="notebooks (names without .ipynb); default: every notebook of nbs/"
    )
    ap.add_argument(
        "--check", action="store_true", help="fail if a notebook has no outputs or stale ones"
    )
    ap.add_argument(
        "--stamp", action="store_true", help="only stamp (a notebook executed by its own command)"
    )
    a = ap.parse_args()
    paths = [NBS / f"{n}.ipynb" for n in a.names] if a.names else sorted(NBS.glob("*.ipynb"))
    if a.check:
        found = {p.name: problems(p) for p in paths}
        bad = {name: why for name, why in found.items() if why}
        for name, why in bad.items():
            print(f"{name}: {'; '.join(why)}")
        sys.exit(1 if bad else 0)
    for p in paths:
        if a.stamp:
            stamp(p)
        elif is_results(json.loads(p.read_text())):
            print(
                f"{p.name}: a results notebook, executed by its own command; pass --stamp after "
                "running it"
            )
        else:
            print(f"{p.name} …", flush=True)
            execute(p)


if __name__ == "__main__":
    main()
