"""Rank a profile's judged items again with another judge (no LIME recomputed); write its Table 7.

    python tools/rejudge.py --profile cpu --judge smollm2 [--items 12] \
        [--set judge.rank_by=likelihood]

Reads the `judged.jsonl` of the profile's tournament runs (`runs/<profile>/*/*/judge/seed*/`) and
writes `figures/table7_<profile>_<judge>[_<rank_by>].{md,csv,tex}`: the same items and candidates,
ranked by `--judge` in all six orders (`_likelihood` when `judge.rank_by = likelihood`).

"""

import argparse
import json

from cause.config import JUDGE_RUN, Settings
from cause.store import atomic_write_text
from cause.data import load_task
from cause.judging import collect_tournaments, make_judge, rejudge, table7
from cause.report import TABLE7_NOTE, grid_folders
from cause.store import flat_labels, write_table


def main():
    "Parse the arguments, rejudge, write the table."
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="cpu")
    ap.add_argument(
        "--judge", required=True, help="`agreement`, or an LM / VLM as `judge.judge` takes"
    )
    ap.add_argument(
        "--items", type=int, default=0, help="the first N judged items of each run (0: all)"
    )
    ap.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="a judge.* setting"
    )
    ap.add_argument("--settings", default=None, help="settings.ini (default: search upwards)")
    a = ap.parse_args()
    settings = Settings(a.settings)
    bad = [x for x in a.set if "=" not in x or not x.startswith("judge.")]
    if bad:
        raise SystemExit(f"--set takes judge.KEY=VALUE: {bad}")
    p = settings.profile(
        a.profile, {**dict(x.split("=", 1) for x in a.set), "judge.judge": a.judge}
    )
    judged = collect_tournaments(grid_folders(settings, settings.profile(a.profile), (JUDGE_RUN,)))
    if not judged:
        raise SystemExit(
            f"no judged items under {settings.runs_dir / a.profile}: run the grid first"
        )
    if a.items:
        key = lambda r: (r["task"], r["backbone"], r["seed"])
        judged = [
            r
            for k in sorted(set(map(key, judged)))
            for r in [x for x in judged if key(x) == k][: a.items]
        ]
    model_judge = None if a.judge == "agreement" else make_judge(p.judge, settings)  # loaded once

    def judge_for(task: str):
        "The model judge; or, as in the grid, the agreement judge with the task's label parser."
        if model_judge is not None:
            return model_judge
        return make_judge(p.judge, settings, task, load_task(task, settings, p.data).classes)

    again = []
    for task in sorted({r["task"] for r in judged}):
        again += rejudge([r for r in judged if r["task"] == task], judge_for(task))
    t = table7(again, p.eval.bootstrap)
    print(flat_labels(t).to_markdown())
    suffix = "" if p.judge.rank_by == "reply" else f"_{p.judge.rank_by}"
    name = f"table7_{a.profile}_{a.judge}{suffix}"
    for f in write_table(t, settings.figures_dir, name, TABLE7_NOTE):
        print("wrote", f)
    replies = settings.runs_dir / a.profile / f"{name}.jsonl"  # every reply, for reading
    print("wrote", atomic_write_text(replies, "".join(json.dumps(r) + "\n" for r in again)))


if __name__ == "__main__":
    main()
