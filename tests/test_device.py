"""The device contract, checked on a CPU-only machine: every tensor the library creates takes its
device from its inputs (or says why it belongs on the CPU), and under DDP the gradients of C2 are
synchronised across processes."""

import ast, os
from pathlib import Path
import pytest, torch
from conftest import ROOT

CREATORS = {
    "zeros",
    "ones",
    "full",
    "empty",
    "arange",
    "randperm",
    "randint",
    "rand",
    "randn",
    "tensor",
    "eye",
    "linspace",
    "as_tensor",
    "Generator",
}


def _creating_calls(path: Path):
    "(line, call) of every `torch.<creator>(…)` without a `device=` argument."
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        f = node.func
        if f.attr in CREATORS and isinstance(f.value, ast.Name) and f.value.id == "torch":
            if not any(k.arg == "device" for k in node.keywords):
                yield node.lineno, ast.unparse(node)[:80]


def test_every_tensor_created_in_the_library_names_its_device_or_why_it_is_on_the_cpu():
    bad = []
    for f in sorted((ROOT / "cause").glob("*.py")):
        lines = f.read_text().splitlines()
        for ln, call in _creating_calls(f):
            if "cpu:" not in lines[ln - 1]:
                bad.append(f"{f.name}:{ln}: {call}")
    assert not bad, (
        "tensors created without device= (add it, or a `# cpu: why` comment):\n" + "\n".join(bad)
    )


DDP_WORKER = r'''
import os, sys, torch, torch.distributed as dist
from cause.classifiers import ClassifierHead, HeadConfig
from cause.config import ExplainerConfig, LossConfig, TrainConfig
from cause.explainer import Explainer, encode_targets, load_language_model
from cause.losses import CauseObjective, draw_plan
from torch.nn.parallel import DistributedDataParallel as DDP
rank = int(sys.argv[1])
dist.init_process_group("gloo", rank=rank, world_size=2, init_method=f"file://{sys.argv[2]}")
torch.manual_seed(0)  # the same model on both ranks…
phi, tok = load_language_model("gpt2-tiny")
c1 = ClassifierHead(HeadConfig(16, 3)).eval().requires_grad_(False)
obj = CauseObjective(Explainer(ExplainerConfig(), phi, c1), c1, LossConfig(), "cause")
model = DDP(obj)
torch.manual_seed(100 + rank)  # …different data on each
c = torch.randn(4, 16)
words = ("neutral", "entailment", "neutral", "contradiction")
tb = encode_targets(tok, [f"This pair is {w}." for w in words], 12)
plan = draw_plan(c1, 4, LossConfig(), torch.Generator().manual_seed(7))
model(c, tb.input_ids, tb.attention_mask, tb.labels, plan=plan).loss.backward()
g = obj.explainer.c2.l1.weight.grad
torch.save(g, sys.argv[3])
'''


def test_c2_gradients_are_synchronised_under_ddp(tmp_path):
    import subprocess, sys

    (tmp_path / "w.py").write_text(DDP_WORKER)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(tmp_path / "w.py"),
                str(r),
                str(tmp_path / "rdv"),
                str(tmp_path / f"g{r}.pt"),
            ],
            cwd=ROOT,
            env=env,
        )
        for r in (0, 1)
    ]
    assert all(p.wait(timeout=300) == 0 for p in procs)
    g0, g1 = torch.load(tmp_path / "g0.pt"), torch.load(tmp_path / "g1.pt")
    assert g0.abs().sum() > 0 and torch.allclose(
        g0, g1
    )  # C2's gradient is the all-reduced one on both ranks
