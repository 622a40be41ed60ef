"""Execute the notebooks in place so that they carry their outputs (`make outputs`), stamp them, and check the stamps.

    python tools/notebook_outputs.py                 # execute every library notebook of nbs/ in place, then stamp it
    python tools/notebook_outputs.py 13_ccmr         # just these
    python tools/notebook_outputs.py --stamp 30_faithfulness_study   # stamp a results notebook its own command executed
    python tools/notebook_outputs.py --check         # every notebook has outputs made from its current code (CI)

A notebook is executed with papermill (working folder nbs/, one thread); stderr streams (warnings, progress bars with
rates) are dropped and nbdev-clean removes timing metadata, so the outputs change only when what they show changes.
The stamp is `metadata.cause.code_sha256`, a hash of the notebook's code cells when its outputs were made: `--check`
fails for a notebook without outputs, without a stamp, or whose code changed after its outputs were made (stale). The
results notebooks (front matter `skip_exec: true`: hours of runs) are executed by their own commands (README) and only
stamped here.
"""
import argparse, hashlib, json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"


def code_sha(nb: dict) -> str:
    "A hash of the notebook's code cells, in order."
    code = "\n\0".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return hashlib.sha256(code.encode()).hexdigest()


def is_results(nb: dict) -> bool:
    "Whether the notebook is a results notebook (front matter `skip_exec: true`), executed by its own command."
    first = nb["cells"][0] if nb["cells"] else {}
    return first.get("cell_type") == "raw" and "skip_exec: true" in "".join(first.get("source", []))


def stamp(path: Path):
    "Record the hash of `path`'s code in its metadata."
    nb = json.loads(path.read_text())
    nb["metadata"]["cause"] = {"code_sha256": code_sha(nb)}
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def execute(path: Path):
    "Run `path` in place with papermill (cwd nbs/, one thread), drop stderr, nbdev-clean it, stamp it."
    bin_dir = Path(sys.executable).parent
    env = {"OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(Path.home()),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "MPLBACKEND": "Agg"}
    subprocess.run([str(bin_dir / "papermill"), str(path), str(path), "--cwd", str(NBS), "--no-progress-bar"],
                   check=True, env=env, capture_output=True)
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [o for o in cell["outputs"] if not (o["output_type"] == "stream" and o["name"] == "stderr")]
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    subprocess.run([str(bin_dir / "nbdev-clean"), "--fname", str(path)], check=True, cwd=ROOT)
    stamp(path)


def problems(path: Path) -> list[str]:
    "Why `path`'s outputs cannot be trusted: none, no stamp, or code changed since they were made."
    nb = json.loads(path.read_text())
    out = []
    if not any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"):
        out.append("no outputs")
    saved = nb["metadata"].get("cause", {}).get("code_sha256")
    if saved is None:
        out.append("no stamp (execute it with tools/notebook_outputs.py)")
    elif saved != code_sha(nb):
        out.append("stale: its code changed after its outputs were made")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="notebooks (names without .ipynb); default: every notebook of nbs/")
    ap.add_argument("--check", action="store_true", help="fail if a notebook has no outputs or stale ones")
    ap.add_argument("--stamp", action="store_true", help="only stamp (a notebook executed by its own command)")
    a = ap.parse_args()
    paths = [NBS / f"{n}.ipynb" for n in a.names] if a.names else sorted(NBS.glob("*.ipynb"))
    if a.check:
        bad = {p.name: problems(p) for p in paths if problems(p)}
        for name, why in bad.items():
            print(f"{name}: {'; '.join(why)}")
        sys.exit(1 if bad else 0)
    for p in paths:
        if a.stamp:
            stamp(p)
        elif is_results(json.loads(p.read_text())):
            print(f"{p.name}: a results notebook, executed by its own command; pass --stamp after running it")
        else:
            print(f"{p.name} …", flush=True)
            execute(p)


if __name__ == "__main__":
    main()
