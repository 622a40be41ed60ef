"""Execute the fast notebooks in place so that they carry their outputs (`make outputs`), or check that
re-executing them leaves their outputs unchanged (`--check`).

Outputs are made reproducible on one machine: papermill's timing metadata and execution counts are removed
(`nbdev-clean`), and stderr streams (warnings, progress bars with rates) are dropped. Floating-point output can
differ between machines, so `--check` is a tool for the machine that committed the outputs, not a CI test.
"""
import argparse, json, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAST = ["05_intervention", "06_explainer", "07_losses", "09_coverage", "10_lemma1", "11_generate", "12_metrics",
        "13_ccmr", "19_baselines"]


def execute(src: Path, dest: Path):
    "Run `src` into `dest` with papermill (cwd nbs/, one thread), then strip metadata and stderr."
    bin_dir = Path(sys.executable).parent
    env = {"OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(Path.home())}
    subprocess.run([str(bin_dir / "papermill"), str(src), str(dest), "--cwd", str(ROOT / "nbs"), "--no-progress-bar"],
                   check=True, env=env, capture_output=True)
    nb = json.loads(dest.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [o for o in cell["outputs"] if not (o["output_type"] == "stream" and o["name"] == "stderr")]
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    subprocess.run([str(bin_dir / "nbdev-clean"), "--fname", str(dest)], check=True, cwd=ROOT)


def outputs(path: Path) -> list:
    "Every code cell's outputs."
    return [c["outputs"] for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="re-execute into a temporary copy and compare outputs")
    ap.add_argument("names", nargs="*", default=FAST, help="notebooks (without .ipynb) to run")
    args = ap.parse_args()
    changed = []
    for name in args.names:
        nb = ROOT / "nbs" / f"{name}.ipynb"
        print(f"{name} …", flush=True)
        if args.check:
            with tempfile.TemporaryDirectory() as td:
                copy = Path(td) / nb.name
                execute(nb, copy)
                if outputs(copy) != outputs(nb):
                    changed.append(name)
        else:
            execute(nb, nb)
    if changed:
        sys.exit(f"re-executing changed the outputs of: {', '.join(changed)}")
