"""The method: losses with interchange intervention, Lemma 1, the coverage bound, and the paper/official switches."""
import math, pytest, torch
from cause.classifiers import ClassifierHead, HeadConfig
from cause.coverage import coverage_bound, effective_rate, simulate_coverage
from cause.explainer import Explainer, ExplainerConfig, encode_targets, load_language_model
from cause.intervention import SITES, IITPlan, intervened_logits, sample_plan, iia
from cause.lemma1 import lemma1
from cause.losses import LossConfig, cause_loss, iit_loss, kl_probs, r_match, ts_loss, WALKTHROUGH
from cause.train import TrainConfig, explainer_data, fit, load_checkpoint

@pytest.fixture
def tiny():
    torch.manual_seed(0)
    phi, tok = load_language_model("gpt2-tiny")
    c1 = ClassifierHead(HeadConfig(16, 3)).eval().requires_grad_(False)
    return phi, tok, c1

def test_lemma1_converges_to_identity_and_excluded_conditions_do_not():
    for start in [(0.3, 1.8), (2.0, 0.2), (-0.5, 0.5)]:
        assert max(abs(r - 1) for r in lemma1(start).rho) < 0.01
    assert lemma1((0.3, 1.8), w=((1.0, -0.5), (1.0, -0.5))).rho == pytest.approx((0.3, 1.8), abs=1e-6)
    assert lemma1((0.3, 1.8), zero_inputs=True).rho == pytest.approx((0.3, 1.8), abs=1e-6)

def test_coverage_bound_gives_111_and_holds_by_simulation():
    assert coverage_bound(557_440, 1e-5, 0.2) == 111 and coverage_bound(557_440, 1e-5, 0.2) * 16 == 1776
    N = coverage_bound(1_000, 0.1, 0.2)
    assert simulate_coverage(1_000, 0.2, N, trials=300, seed=1) <= 0.1 + 3 * math.sqrt(0.09 / 300)
    assert effective_rate(256, 51, replacement=True) < effective_rate(256, 51, replacement=False) == 51 / 256

def test_walkthrough_numbers_are_log10_kl():
    assert round(kl_probs(*WALKTHROUGH["ts"], base=10), 3) == 0.031 and round(kl_probs(*WALKTHROUGH["iit"], base=10), 3) == 0.036
    assert round(kl_probs(*WALKTHROUGH["ts"]), 4) == 0.0709 and round(kl_probs(*WALKTHROUGH["iit"]), 4) == 0.0833

def test_iit_uses_the_same_neurons_and_sources_on_both_heads(tiny):
    _, _, c1 = tiny
    c2 = ClassifierHead(HeadConfig(16, 3)).eval(); c, fc = torch.randn(6, 16), torch.randn(6, 16)
    plan = sample_plan(6, 256, 3, torch.Generator().manual_seed(4))
    # by hand: first layers, swap the plan's neurons from the permuted rows, finish both heads
    h1, h2 = c1.first(c), c2.first(fc)
    h1s, h2s = h1.clone(), h2.clone(); h1s[:, plan.subspaces] = h1[plan.perm][:, plan.subspaces]; h2s[:, plan.subspaces] = h2[plan.perm][:, plan.subspaces]
    p, q = c1.rest(h1s).softmax(-1), c2.rest(h2s).log_softmax(-1)
    expected = (p * (p.log() - q)).sum(-1).mean()
    torch.testing.assert_close(iit_loss(c1, c2, c, fc, plan), expected)

def test_logit_site_shares_one_index_over_all_classes():
    g = torch.Generator().manual_seed(0)
    plans = [sample_plan(4, 256, 7, g, p_logit_site=1.0) for _ in range(200)]
    assert all(p.site == "logits" and p.subspaces.numel() == 1 for p in plans)
    assert {int(p.subspaces) for p in plans} == set(range(7))  # every class can be swapped, not only {0, 1}

def test_official_switches(tiny):
    phi, tok, c1 = tiny
    c1_logits, c2_logits = torch.randn(4, 3), torch.randn(4, 3)
    assert ts_loss(c1_logits, c2_logits, "ce") == pytest.approx(torch.nn.functional.cross_entropy(c2_logits, c1_logits.argmax(-1)).item())
    c2 = ClassifierHead(HeadConfig(16, 3))
    dw = sum(((getattr(c2, l).weight - getattr(c1, l).weight) ** 2).sum() for l in ("l1", "l2", "lo"))
    db = sum(((getattr(c2, l).bias - getattr(c1, l).bias) ** 2).sum() for l in ("l1", "l2", "lo"))
    assert r_match(c1, c2).item() == pytest.approx(dw.sqrt().item(), rel=1e-5)
    assert r_match(c1, c2, "official").item() == pytest.approx((dw / 3 + db / 3).item(), rel=1e-5)
    off = Explainer(ExplainerConfig(16, 3, psi="linear", psi_norm=False, agg="linear", agg_mask_pads=False, c2_init="random"), phi, c1)
    assert isinstance(off.psi, torch.nn.Linear) and isinstance(off.agg.net, torch.nn.Linear)
    assert not torch.equal(off.c2.l1.weight, c1.l1.weight)
    with pytest.raises(ValueError, match="psi must be one of"): ExplainerConfig(16, 3, psi="mlp3")

def test_fit_trains_explainer_keeps_c1_frozen_and_checkpoints(tiny, tmp_path):
    phi, tok, c1 = tiny
    before = {k: v.clone() for k, v in c1.state_dict().items()}
    c = torch.randn(16, 16); texts = [f"This pair is {['contradiction', 'neutral', 'entailment'][y]}." for y in c1(c).argmax(-1).tolist()]
    ex = Explainer(ExplainerConfig(16, 3), phi, c1)
    hist = fit(ex, c1, explainer_data(c, texts, tok, 10), LossConfig("cause"), TrainConfig(epochs=2, batch_size=8, lr=1e-3), tmp_path)
    assert all(torch.equal(before[k], v) for k, v in c1.state_dict().items())
    ck = load_checkpoint(tmp_path / "checkpoint.pt")
    assert ck["epoch"] == 2 and ck["step"] == 4 and len(ck["history"]) == 4 and set(ck["history"][0]) >= {"lm", "ts", "iit", "rmatch", "coverage"}
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())  # atomic writes leave no temp file
    # resuming a finished run does no more steps
    assert len(fit(ex, c1, explainer_data(c, texts, tok, 10), LossConfig("cause"), TrainConfig(epochs=2, batch_size=8, lr=1e-3), tmp_path)) == 4

def test_iia_is_one_for_identical_heads_and_lower_for_a_different_head(tiny):
    _, _, c1 = tiny
    c = torch.randn(64, 16)
    assert iia(c1, c1, c, c, 200)["iia"] == 1.0
    other = ClassifierHead(HeadConfig(16, 3)).eval()
    assert iia(c1, other, c, c, 200)["iia"] < 1.0
