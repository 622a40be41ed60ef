"""Rank a profile's judged items again with another judge (no LIME recomputed) and write its Table 7.

    python tools/rejudge.py --profile cpu --judge smollm2 [--items 12]

Reads `runs/<profile>/*/*/judge/seed*/judged.jsonl` (made by the grid's tournament runs) and writes
`figures/table7_<profile>_<judge>.{md,csv,tex}`: the same items and candidates, ranked by `--judge` in all six orders.
"""
import argparse
import dataclasses

from cause.config import Settings
from cause.judging import collect_tournaments, make_judge, rejudge, table7
from cause.report import _write_table


def main():
    "Parse the arguments, rejudge, write the table."
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="cpu")
    ap.add_argument("--judge", required=True, help="`agreement`, or an LM / VLM as `judge.judge` takes")
    ap.add_argument("--items", type=int, default=0, help="the first N judged items of each run (0: all)")
    ap.add_argument("--settings", default=None, help="settings.ini (default: search upwards)")
    a = ap.parse_args()
    settings = Settings(a.settings)
    p = settings.profile(a.profile)
    judged = collect_tournaments(settings.runs_dir, a.profile)
    if not judged:
        raise SystemExit(f"no judged items under {settings.runs_dir / a.profile}: run the grid first")
    if a.items:
        key = lambda r: (r["task"], r["backbone"], r["seed"])
        judged = [r for k in sorted(set(map(key, judged))) for r in [x for x in judged if key(x) == k][: a.items]]
    judge = make_judge(dataclasses.replace(p.judge, judge=a.judge), settings)
    t = table7(rejudge(judged, judge), p.eval.bootstrap)
    print(t.to_markdown())
    for f in _write_table(t, settings.figures_dir, f"table7_{a.profile}_{a.judge}"):
        print("wrote", f)


if __name__ == "__main__":
    main()
