"""The paper's four backbones as M, offline: tiny random-init configs of their real transformers
classes, fed by their real input pipelines (processors, tokenizers, vision tokens) on easy-suite
examples; what trains and what stays frozen."""

import pytest, torch
from cause.classifiers import (
    BACKBONES,
    PAPER_BACKBONES,
    EarlyFusion,
    LateFusion,
    MultimodalClassifier,
    Qwen2VLBackbone,
    algorithm2_targets,
    batch_to,
    freeze,
    target_text,
    tiny_qwen2vl,
)
from cause.data import build_easy_task
from cause.features import Qwen2VLInputs, cached_features


@pytest.fixture(scope="module")
def examples():
    return build_easy_task("easy_vqax", seed=42, scale=0.02).train[:4]


def _inputs(name, examples, settings, tmp_path):
    "The cached inputs E reads for `examples`, through the backbone's own pipelines."
    feats = {}
    for p in BACKBONES[name].pipelines("tiny", settings, torch.device("cpu")):
        feats.update(cached_features(examples, p, tmp_path))
    return feats


def _step(model, feats, labels):
    "One AdamW step; the state before and after."
    before = {k: v.clone() for k, v in model.state_dict().items()}
    out = model(
        batch_to(feats, model.encoder.feature_keys, torch.arange(len(labels)), torch.device("cpu")),
        labels,
    )
    assert out.c.shape == (len(labels), model.encoder.out_dim) and torch.isfinite(out.loss)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    out.loss.backward()
    opt.step()
    return before, model.state_dict()


@pytest.mark.parametrize("name", PAPER_BACKBONES)
def test_paper_backbone_trains_as_m_from_its_pipeline(name, examples, settings, tmp_path):
    torch.manual_seed(0)
    model = MultimodalClassifier(BACKBONES[name].make("tiny", settings, 0), n_classes=3)
    before, after = _step(
        model, _inputs(name, examples, settings, tmp_path), torch.tensor([0, 2, 1, 0])
    )
    assert not torch.equal(before["head.l1.weight"], after["head.l1.weight"])  # C1 learns
    if name == "clip_mfb":  # CLIP is frozen in its pipeline (cached features); MFB learns
        assert not torch.equal(before["encoder.mfb.px.weight"], after["encoder.mfb.px.weight"])
    if (
        name == "visualbert"
    ):  # the grid stand-in for FRCNN regions is mapped by a learned projection
        assert not torch.equal(before["encoder.visual.weight"], after["encoder.visual.weight"])
    if (
        name == "qwen2vl"
    ):  # without LoRA the VLM is frozen and only the head learns (the official HM setting)
        assert all(
            torch.equal(before[k], after[k]) for k in before if k.startswith("encoder.model.")
        )


def test_qwen2vl_lora_adapters_learn_and_base_weights_do_not(examples, settings, tmp_path):
    torch.manual_seed(0)
    pipe = Qwen2VLInputs("tiny", settings)
    model = MultimodalClassifier(
        Qwen2VLBackbone(tiny_qwen2vl(pipe.token_ids(), len(pipe.tok)), lora_r=4), n_classes=3
    )
    before, after = _step(
        model, cached_features(examples, pipe, tmp_path), torch.tensor([0, 2, 1, 0])
    )
    changed = [
        k for k in before if k.startswith("encoder.") and not torch.equal(before[k], after[k])
    ]
    assert changed and all("lora_" in k for k in changed)


def test_freeze_keeps_m_fixed_under_an_optimizer_step():
    model = freeze(MultimodalClassifier(LateFusion(image_dim=8, text_dim=6, k=2, o=4), 3))
    x = {"image": torch.randn(4, 8), "text": torch.randn(4, 6)}
    before = {k: v.clone() for k, v in model.state_dict().items()}
    probe = torch.nn.Parameter(torch.zeros(4))
    opt = torch.optim.SGD([probe, *model.parameters()], lr=1.0)
    (model(x).c.sum() + probe.sum()).backward()
    opt.step()
    assert (
        all(torch.equal(before[k], v) for k, v in model.state_dict().items()) and not model.training
    )


def test_early_fusion_tiny_config():
    from transformers import BertConfig

    L = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=2)
    e = EarlyFusion(BertConfig(vocab_size=50, max_position_embeddings=80, **L), grid_dim=12).eval()
    assert len(e.bert.encoder.layer) == 2  # the lower two of the config's layers
    b = {
        "input_ids": torch.randint(0, 50, (2, 5)),
        "attention_mask": torch.ones(2, 5, dtype=torch.long),
        "grid": torch.randn(2, 49, 12),
    }
    c = e(b)
    assert c.shape == (2, 64) and e.out_dim == 64  # [CLS] and image-token states
    b2 = {**b, "grid": b["grid"].clone()}
    b2["grid"][1] += 1.0
    assert torch.allclose(e(b2)[0], c[0]) and not torch.allclose(
        e(b2)[1], c[1]
    )  # each item sees only its own image


def test_algorithm2_templates():
    from cause.data import Example

    ex = [
        Example(
            "a", "easy_hm", "train", "x.png", "t", 1, "offensive", "it attacks the blue colour"
        ),
        Example("b", "vqax", "train", "x.png", "t", 0, "living room", "there is a couch"),
    ]
    assert algorithm2_targets(ex, [1, 3], ["not offensive", "offensive", "x", "den"]) == [
        "This meme is offensive because it attacks the blue colour.",
        "The answer is den.",
    ]
    assert target_text("esnlive", "neutral", "no info.") == "This pair is neutral because no info."
    with pytest.raises(ValueError, match="no target template"):
        target_text("mnist", "3")
