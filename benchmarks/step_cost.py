"""Cost of one optimisation step of φ, φ+TS and CAuSE on the same batch, same machine, same run,
bare and through `fit`.

    python benchmarks/step_cost.py    # CPU: SmolLM2-135M (6 layers, the `cpu` profile), batch 8
    python benchmarks/step_cost.py --lm gpt2-small-random --batch 32 --device cuda \
        --precision bf16                # GPU
    python benchmarks/step_cost.py --causal-text reference greedy --fit-steps 0
                                        # the paper's causal terms against on-policy ones

Prints seconds per step, each ablation's ratio to φ, examples per second and peak memory, then the
rate of the same training through `fit` (examples per second between its first and last logged
steps). The timed step is `fit`'s own (`cause.train._step` on the prepared `CauseObjective`), so the
difference between the two rates is the loop's overhead.

"""

import argparse, json
from cause.config import LossConfig, Settings
from cause.gpu import fit_rate, step_costs


def main():
    ap = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument(
        "--lm",
        default="smollm2",
        help="φ: smollm2, gpt2-tiny, gpt2-small-random, or a hub id/folder",
    )
    ap.add_argument(
        "--layers",
        type=int,
        default=6,
        help="keep φ's lower k layers (0: all; random LMs ignore it)",
    )
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--tokens", type=int, default=24)
    ap.add_argument("--m", type=int, default=256)
    ap.add_argument("--classes", type=int, default=13)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="interleaved rounds over the ablations (reduces drift)",
    )
    ap.add_argument(
        "--fit-steps", type=int, default=40, help="steps of the `fit` measurement (0: skip it)"
    )
    ap.add_argument(
        "--causal-text",
        nargs="+",
        default=["reference"],
        choices=("reference", "greedy", "sampled"),
        help="loss.causal_text of φ+TS and CAuSE: one measurement (with φ's) per value",
    )
    ap.add_argument("--causal-tokens", type=int, default=16, help="loss.causal_tokens")
    ap.add_argument("--precision", default="fp32", choices=("fp32", "bf16", "fp16"))
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    s = Settings()
    layers = 0 if a.lm.startswith("gpt2-") else a.layers  # random LMs are built at their size
    model = (a.lm, a.batch, a.tokens, a.m, a.classes, a.precision, a.device)  # both measurements
    for text in a.causal_text:
        loss = LossConfig(causal_text=text, causal_tokens=a.causal_tokens)
        out = step_costs(*model, a.steps, a.warmup, a.rounds, s, layers, loss)
        print(json.dumps(out, indent=1))
        print(
            f"causal text {text}: ratios vs φ: φ+TS {out['phi_ts_vs_phi']:.3f}x, "
            f"CAuSE {out['cause_vs_phi']:.3f}x"
        )
    if a.fit_steps:  # the paper's loss through `fit`
        for ab in ("phi", "cause"):
            rate = fit_rate(ab, *model, a.fit_steps, max(1, a.fit_steps // 4), s, layers)
            print(f"{ab} through fit: {rate:.1f} examples/s")


if __name__ == "__main__":
    main()
