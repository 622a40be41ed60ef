"""Where the time of a profile's grid goes: the CPU and wall-clock seconds of every stage of every
run, summed, and what a kernel start and the imports cost.

    cause reproduce --profile cpu                  # runs/<profile>/grid_timing.json, timing.json
    python benchmarks/stage_cost.py --profile cpu  # the per-stage table (Markdown) of that grid
    python benchmarks/stage_cost.py --profile cpu --summary  # by job kind and by stage only

Reads `runs/<profile>/grid_timing.json` (each job's wall and CPU seconds in its worker, the grid's
wall time, the number of workers) and the `timing.json` of every run (each stage: loading, training
steps, IIA, generation per τ, the counterfactual search, leakage, replicas, BLEU and BERTScore,
prompting, LIME, the judge). What the stages do not cover in a job (imports, loading φ, writing
results) is shown as `other`. Each run uses one thread, so its CPU seconds are what the stage costs
on a free core, whatever else shared the machine; the wall seconds show the load. `--kernel` also
times a papermill notebook that only imports `cause` (what `--notebooks` adds per notebook) and a
bare import in a fresh interpreter.

"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from cause.config import Settings


def _run_stages(folder: Path) -> dict:
    "A run's {stage: (wall, cpu)} from its timing.json (empty if it has none)."
    if not (folder / "timing.json").exists():
        return {}
    out = {}
    for part in json.loads((folder / "timing.json").read_text()).values():
        for stage, wall in part["wall"].items():
            out[stage] = (wall, part["cpu"][stage])
    return out


def stage_table(runs: Path) -> tuple[list, dict]:
    """(job kind, stage, wall seconds, CPU seconds, jobs) rows summed over the grid's jobs, and the
    grid timing."""
    grid = json.loads((runs / "grid_timing.json").read_text())
    wall, cpu, count = defaultdict(float), defaultdict(float), defaultdict(int)
    for label, (job_wall, job_cpu) in grid["jobs"].items():
        kind, rest = label.split(": ", 1)
        task, backbone, what, seed = rest.split(" / ")
        what = "M" if kind == "m" else what
        stages = {} if kind == "m" else _run_stages(runs / task / backbone / what / seed)
        stages["other (imports, loading, writing)" if stages else "features and training"] = (
            job_wall - sum(w for w, _ in stages.values()),
            job_cpu - sum(c for _, c in stages.values()),
        )
        for stage, (w, c) in stages.items():
            wall[(what, stage)] += w
            cpu[(what, stage)] += c
            count[(what, stage)] += 1
    rows = [(k[0], k[1], wall[k], cpu[k], count[k]) for k in wall]
    return sorted(rows, key=lambda r: -r[3]), grid


def family(stage: str) -> str:
    "A stage without its detail: every generation pass is `generation`, every prompt `prompting`."
    return stage.split(" (")[0] if stage.startswith(("generation", "prompting")) else stage


def summary(rows: list) -> tuple[dict, dict]:
    "CPU seconds by job kind and by stage family, each with its job or pass count."
    kinds, stages = defaultdict(lambda: [0.0, 0]), defaultdict(lambda: [0.0, 0])
    for kind, stage, _, c, n in rows:
        kinds[kind][0] += c
        kinds[kind][1] = max(kinds[kind][1], n)
        stages[family(stage)][0] += c
        stages[family(stage)][1] += n
    return dict(kinds), dict(stages)


def print_summary(rows: list, busy: float) -> None:
    "The two short tables of `summary`, largest first."
    for title, table in zip(("job", "stage"), summary(rows)):
        print(f"\n| {title} | CPU min | share | count |\n|---|---|---|---|")
        for name, (c, n) in sorted(table.items(), key=lambda kv: -kv[1][0]):
            print(f"| {name} | {c / 60:.1f} | {100 * c / busy:.0f}% | {n} |")


def kernel_costs() -> dict:
    """Seconds of a fresh interpreter's `import cause.evaluate`, and of a papermill notebook that
    only imports it.
    """
    import nbformat
    import papermill as pm

    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import cause.evaluate, cause.train"], check=True)
    imports = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("import cause.evaluate, cause.train")]
        nbformat.write(nb, Path(d) / "in.ipynb")
        t = time.perf_counter()
        pm.execute_notebook(
            str(Path(d) / "in.ipynb"),
            str(Path(d) / "out.ipynb"),
            kernel_name="python3",
            progress_bar=False,
        )
        kernel = time.perf_counter() - t
    return {
        "import cause (fresh interpreter)": imports,
        "papermill notebook that imports cause": kernel,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="cpu")
    ap.add_argument("--settings", default=None, help="settings.ini (default: search upwards)")
    ap.add_argument(
        "--kernel", action="store_true", help="also time a kernel start and the imports"
    )
    ap.add_argument(
        "--summary", action="store_true", help="CPU by job kind and by stage only (the README's)"
    )
    a = ap.parse_args()
    runs = Settings(a.settings).runs_dir / a.profile
    rows, grid = stage_table(runs)
    busy = sum(r[3] for r in rows)
    print(
        f"{a.profile}: {len(grid['jobs'])} jobs on {grid['workers']} workers; wall "
        f"{grid['wall'] / 60:.1f} min; "
        f"CPU {busy / 60:.1f} min (one thread per job)\n"
    )
    if a.summary:
        print_summary(rows, busy)
        return
    print(
        "| job | stage | CPU s (all jobs) | jobs | CPU s per job | share of CPU | wall s (all "
        "jobs) |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind, stage, w, c, n in rows:
        print(
            f"| {kind} | {stage} | {c:.0f} | {n} | {c / n:.1f} | {100 * c / busy:.1f}% | {w:.0f} |"
        )
    if a.kernel:
        print()
        for k, v in kernel_costs().items():
            print(f"- {k}: {v:.1f} s")


if __name__ == "__main__":
    main()
