"""Evaluation: label parsing, the CCMR solvers, the composite formula, BLEU/BERTScore, and the papermill runner (smoke)."""
import json, os, shutil
import pytest, torch
import torch.nn.functional as F
from conftest import ROOT
from cause.ccmr import ccmr_score, counterfactuals, nearest_counterfactuals
from cause.classifiers import ClassifierHead, HeadConfig
from cause.generate import LabelParser, majority_vote
from cause.metrics import bertscore, bleu, composite, faithfulness

def test_label_parsing():
    p = LabelParser("vqax", ["yes", "no", "living room", "room", "2"])
    assert [p(t) for t in ["The answer is living room because a sofa.", "THE ANSWER IS: Room!", "the answer is 2.", "The answer is a room",
                           "The answer is kitchen.", "because it is yes"]] == [2, 3, 4, 3, None, None]
    hm = LabelParser("hateful_memes", ["not offensive", "offensive"])
    assert hm("This meme is not offensive because not offensive.") == 0 and hm("this meme is offensive, because x") == 1
    assert majority_vote([1, None, 0, 1]) == 1 and majority_vote([0, 1]) == 0 and majority_vote([None]) is None

def test_composite_matches_table2():
    assert round(composite(83.00, 10.20), 2) == 18.17 and abs(composite(83.00, 10.20) - 18.16) < 0.01  # the paper truncates 18.167
    assert composite(0.0, 0.0) == 0.0

def _known_classifier():
    torch.manual_seed(0)
    z = torch.cat([torch.randn(24, 4) + torch.tensor([3., 0, 0, 0]), torch.randn(24, 4) - torch.tensor([3., 0, 0, 0])])
    y = torch.cat([torch.zeros(24), torch.ones(24)]).long()
    head = ClassifierHead(HeadConfig(4, 2, dropout=0.0)); opt = torch.optim.Adam(head.parameters(), 1e-2)
    for _ in range(200): opt.zero_grad(); F.cross_entropy(head(z), y).backward(); opt.step()
    return head.eval().requires_grad_(False), z, y

def test_ccmr_solvers_find_the_known_counterfactuals():
    head, z, y = _known_classifier()
    j = nearest_counterfactuals(z, y)
    assert (y[j] != y).all() and all((z[i] - z[j[i]]).norm() <= min((z[i] - z[k]).norm() for k in range(len(z)) if y[k] != y[i]) + 1e-6 for i in range(len(z)))
    cf = counterfactuals(head, z, z, "gradient", steps=500, lr=0.01)
    assert cf.valid.all() and (cf.target == 1 - y).all()
    assert (cf.nu_norm < (z[cf.neighbour] - z).norm(dim=-1)).all()  # minimal: never further than the neighbour itself
    ae = counterfactuals(head, z, z, "autoencoder", epochs=200, lr=1e-2, hidden=8)
    assert ae.valid.float().mean() > 0.9
    r = ccmr_score(cf, [int(t) if i % 3 else None for i, t in enumerate(cf.target)])
    assert (r["n_valid"], r["n_feasible"]) == (48, 32) and r["ccmr"] == 100.0 and abs(r["gen"] - 200 / 3) < 1e-9

def test_bleu_and_bertscore_on_known_pairs():
    assert bleu(["a small red circle here"], ["a small red circle here"])["bleu4"] == pytest.approx(1.0)
    assert bleu(["a red circle"], ["a red circle"])["bleu4"] < 1.0  # no 4-grams: smoothing method 1 gives a small, non-zero count
    b = bleu(["the answer is blue"], ["the answer is red"]); assert b["bleu1"] == pytest.approx(0.75) and b["bleu4"] < b["bleu1"]
    same = bertscore(["the triangle is blue"], ["the triangle is blue"])["bertscore"]
    near = bertscore(["the triangle is blue"], ["the blue triangle"])["bertscore"]
    far = bertscore(["the triangle is blue"], ["interest rates rose in march"])["bertscore"]
    assert same == pytest.approx(1.0, abs=1e-4) and far < near < same

def test_faithfulness_counts():
    f = faithfulness([0, 1, 2, 2], [0, 1, 2, 1]); assert f["accuracy"] == 75.0 and f["n"] == 4

# ---------- the papermill runner on the smoke profile ----------
@pytest.fixture(scope="module")
def smoke_settings(tmp_path_factory):
    from cause.config import Settings
    d = tmp_path_factory.mktemp("smoke"); (d / "cache").mkdir()
    os.symlink(Settings(ROOT / "settings.ini").cache_dir / "assets", d / "cache" / "assets")
    text = (ROOT / "settings.ini").read_text().replace("cache_dir = .cache/cause", f"cache_dir = {d}/cache").replace("runs_dir = runs", f"runs_dir = {d}/runs").replace("figures_dir = figures", f"figures_dir = {d}/figures")
    (d / "settings.ini").write_text(text); os.environ["CAUSE_SETTINGS"] = str(d / "settings.ini")
    yield Settings(d / "settings.ini")
    del os.environ["CAUSE_SETTINGS"]

def test_runner_smoke_resumes_skips_and_reproduces(smoke_settings):
    from cause.runner import RunFailed, execute, run_grid
    s = smoke_settings
    first = run_grid(s, "smoke", log=lambda *_: None)
    assert first["done"] == 3 and first["skipped"] == 0
    runs = sorted((s.runs_dir / "smoke").glob("*/*/*/seed42"))
    assert [r.parts[-2] for r in runs] == ["cause", "phi", "phi_ts"]
    for r in runs: assert {"checkpoint.pt", "train_metrics.json", "metrics.json", "examples.jsonl", "train_explainer.ipynb", "evaluate.ipynb"} <= {p.name for p in r.iterdir()}
    metrics = {r: json.loads((r / "metrics.json").read_text()) for r in runs}
    assert run_grid(s, "smoke", log=lambda *_: None)["skipped"] == 3  # finished runs are not redone
    # a run "killed" after training but before evaluation: only it is redone, from its checkpoint, to the same numbers
    (runs[0] / "metrics.json").unlink(); ckpt_mtime = (runs[0] / "checkpoint.pt").stat().st_mtime_ns
    again = run_grid(s, "smoke", log=lambda *_: None)
    assert (again["done"], again["skipped"]) == (1, 2)
    redo = json.loads((runs[0] / "metrics.json").read_text())
    assert (runs[0] / "checkpoint.pt").stat().st_mtime_ns == ckpt_mtime  # resumed from the finished checkpoint: no retraining
    drop = lambda m: {k: v for k, v in m.items() if k != "eval_seconds"}
    assert drop(redo) == drop(metrics[runs[0]])
    with pytest.raises(RunFailed, match=r"bad/evaluate.ipynb: cell \d+ failed with"):
        execute("evaluate", s.runs_dir / "bad" / "evaluate.ipynb", task="easy_vqax", backbone="late_fusion", ablation="cause", profile="no-such-profile", seed=42)
    execute("tables", s.runs_dir / "smoke" / "tables.ipynb", profile="smoke")
    for f in ("table2_smoke.md", "table2_smoke.csv", "table2_smoke.tex", "table3_smoke.md", "composite_smoke.md", "faithfulness_smoke.png", "tradeoff_smoke.pdf", "ccmr_examples_smoke.png", "coverage_smoke.png"):
        assert (s.figures_dir / f).exists(), f
    # finished runs made with other settings are never reused silently: the grid stops and names the key
    from cause.config import Settings
    f = s.file; text = f.read_text(); f.write_text(text.replace("ccmr_steps = 30", "ccmr_steps = 31"))
    try:
        with pytest.raises(ValueError, match=r"seed42 was made with other settings \(ccmr_steps: saved 30, now 31\)"): run_grid(Settings(f), "smoke", log=lambda *_: None)
    finally: f.write_text(text)
