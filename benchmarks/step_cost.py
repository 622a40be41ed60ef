"""Cost of one optimisation step of φ, φ+TS and CAuSE on the same batch, same machine, same run.

    python benchmarks/step_cost.py                       # CPU: SmolLM2-135M (6 layers, as the `cpu` profile), batch 8
    python benchmarks/step_cost.py --lm gpt2-small-random --batch 32 --device cuda   # GPU: GPT-2-small-size φ

Prints seconds per step, the ratio of each ablation to φ, examples per second and peak memory. Target: a CAuSE step
costs at most 1.15× a φ step: IIT reuses φ's forward (sources are an in-batch permutation), where the official code
ran φ on two extra source batches every step.
"""
import argparse, gc, json, resource, statistics, time
import torch
from cause.classifiers import ClassifierHead, HeadConfig
from cause.config import Settings, seed_everything
from cause.explainer import Explainer, ExplainerConfig, encode_targets, load_language_model
from cause.losses import LossConfig, cause_loss
from cause.train import TrainConfig, make_optimizer

def peak_rss_mib(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def time_steps(ablation, explainer, c1, batch, device, steps, warmup):
    opt = make_optimizer(explainer, TrainConfig(lr=1e-5))
    g = torch.Generator().manual_seed(0); times = []
    if device.type == "cuda": torch.cuda.reset_peak_memory_stats()
    for i in range(warmup + steps):
        if device.type == "cuda": torch.cuda.synchronize()
        t = time.perf_counter()
        o = cause_loss(explainer, c1, *batch, LossConfig(ablation), g)
        opt.zero_grad(set_to_none=True); o.loss.backward(); opt.step()
        if device.type == "cuda": torch.cuda.synchronize()
        if i >= warmup: times.append(time.perf_counter() - t)
    peak = torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else peak_rss_mib()
    return statistics.median(times), peak

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lm", default="smollm2"); ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--batch", type=int, default=8); ap.add_argument("--tokens", type=int, default=24)
    ap.add_argument("--m", type=int, default=256); ap.add_argument("--classes", type=int, default=13)
    ap.add_argument("--steps", type=int, default=6); ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="interleaved rounds over the ablations (reduces drift)")
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args(); dev = torch.device(a.device); seed_everything(0)
    phi, tok = load_language_model(a.lm, Settings(), a.layers)
    c1 = ClassifierHead(HeadConfig(a.m, a.classes)).eval().requires_grad_(False).to(dev)
    texts = ["The answer is blue because the triangle in the image is blue and nothing else is shown."] * a.batch
    tb = encode_targets(tok, texts, a.tokens)
    batch = tuple(t.to(dev) for t in (torch.randn(a.batch, a.m), tb.input_ids, tb.attention_mask, tb.labels))
    res = {k: [] for k in ("phi", "phi_ts", "cause")}; peaks = {}
    for _ in range(a.rounds):
        for abl in res:
            ex = Explainer(ExplainerConfig(a.m, a.classes), phi, c1).to(dev).train()
            s, peaks[abl] = time_steps(abl, ex, c1, batch, dev, a.steps, a.warmup); res[abl].append(s)
            del ex; gc.collect()
    sec = {k: statistics.median(v) for k, v in res.items()}
    out = {"lm": a.lm, "layers": a.layers, "batch": a.batch, "tokens": a.tokens, "device": str(dev),
           **{f"{k}_s_per_step": round(v, 4) for k, v in sec.items()},
           **{f"{k}_vs_phi": round(v / sec["phi"], 3) for k, v in sec.items()},
           **{f"{k}_examples_per_s": round(a.batch / v, 2) for k, v in sec.items()},
           **{f"{k}_peak_mib": round(v, 1) for k, v in peaks.items()}}
    print(json.dumps(out, indent=1))
    print(f"ratios vs φ: φ+TS {out['phi_ts_vs_phi']:.3f}x, CAuSE {out['cause_vs_phi']:.3f}x (target ≤ 1.15x)")

if __name__ == "__main__":
    main()
