"""The paper's four backbones, exercised offline through tiny random-init configs of their real transformers classes."""
import pytest, torch
from transformers import CLIPConfig, CLIPModel, VisualBertConfig, VisualBertModel, FlavaConfig, FlavaModel, Qwen2VLConfig, Qwen2VLModel
from cause.classifiers import (CLIPMFB, VisualBERTBackbone, FLAVABackbone, Qwen2VLBackbone, MultimodalClassifier, freeze,
                               algorithm2_targets, target_text, LateFusion, EarlyFusion)

L = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2)
ids = lambda B=2, T=6, V=100: torch.randint(2, V, (B, T))

def tiny_clip():
    return CLIPModel(CLIPConfig(text_config=dict(**L, vocab_size=100, max_position_embeddings=16, bos_token_id=0, eos_token_id=1, pad_token_id=1),
                                vision_config=dict(**L, image_size=32, patch_size=8), projection_dim=16))

def tiny_batch_clip(): return {"input_ids": ids(), "attention_mask": torch.ones(2, 6, dtype=torch.long), "pixel_values": torch.randn(2, 3, 32, 32)}

def tiny_qwen():
    cfg = Qwen2VLConfig(text_config=dict(**{**L, "num_key_value_heads": 1}, vocab_size=200, max_position_embeddings=128, rope_scaling={"type": "mrope", "mrope_section": [2, 3, 3]}),
                        vision_config=dict(depth=1, embed_dim=32, hidden_size=32, num_heads=2, mlp_ratio=2, patch_size=4, spatial_merge_size=2, temporal_patch_size=2, in_channels=3),
                        image_token_id=150, video_token_id=151, vision_start_token_id=152)
    return Qwen2VLModel(cfg)

def qwen_batch():
    # one 8x8 image per example: a 1x2x2 patch grid, merged 2x2 into one image token
    x = torch.tensor([[1, 152, 150, 5, 6, 7], [1, 152, 150, 8, 9, 0]])
    am = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]])
    return {"input_ids": x, "attention_mask": am, "pixel_values": torch.randn(8, 3 * 2 * 4 * 4),
            "image_grid_thw": torch.tensor([[1, 2, 2], [1, 2, 2]]), "mm_token_type_ids": (x == 150).long()}

CASES = {
    "clip_mfb": (lambda: CLIPMFB(tiny_clip(), k=3, o=24), tiny_batch_clip, 24),
    "visualbert": (lambda: VisualBERTBackbone(VisualBertModel(VisualBertConfig(**L, vocab_size=100, visual_embedding_dim=20))),
                   lambda: {"input_ids": ids(), "attention_mask": torch.ones(2, 6, dtype=torch.long), "visual_embeds": torch.randn(2, 4, 20)}, 32),
    "flava": (lambda: FLAVABackbone(FlavaModel(FlavaConfig(image_config=dict(**L, image_size=32, patch_size=8), text_config=dict(**L, vocab_size=100, max_position_embeddings=16),
                                                            multimodal_config=L, hidden_size=32, projection_dim=16))), tiny_batch_clip, 32),
    "qwen2vl": (lambda: Qwen2VLBackbone(tiny_qwen()), qwen_batch, 32),
    "qwen2vl_lora": (lambda: Qwen2VLBackbone(tiny_qwen(), lora_r=4), qwen_batch, 32),
}

@pytest.mark.parametrize("name", list(CASES))
def test_paper_backbone_trains_as_m(name):
    make, batch, m = CASES[name]
    torch.manual_seed(0)
    model = MultimodalClassifier(make(), n_classes=3); b = batch()
    out = model(b, labels=torch.tensor([0, 2]))
    assert out.c.shape == (2, m) and out.logits.shape == (2, 3) and torch.isfinite(out.loss)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=1e-2); out.loss.backward(); opt.step()
    after = model.state_dict()
    assert not torch.equal(before["head.l1.weight"], after["head.l1.weight"])  # C1 learns
    if name == "clip_mfb":  # CLIP features are frozen, MFB learns
        assert all(torch.equal(before[k], after[k]) for k in before if k.startswith("encoder.clip."))
        assert not torch.equal(before["encoder.mfb.px.weight"], after["encoder.mfb.px.weight"])
    if name == "qwen2vl":  # without LoRA the VLM is frozen and only the head learns (the official HM setting)
        assert all(torch.equal(before[k], after[k]) for k in before if k.startswith("encoder.model."))
    if name == "qwen2vl_lora":  # LoRA adapters learn, base weights do not
        changed = [k for k in before if k.startswith("encoder.") and not torch.equal(before[k], after[k])]
        assert changed and all("lora_" in k for k in changed)

def test_freeze_keeps_m_fixed_under_an_optimizer_step():
    model = freeze(MultimodalClassifier(LateFusion(image_dim=8, text_dim=6, k=2, o=4), 3))
    x = {"image": torch.randn(4, 8), "text": torch.randn(4, 6)}
    before = {k: v.clone() for k, v in model.state_dict().items()}
    probe = torch.nn.Parameter(torch.zeros(4)); opt = torch.optim.SGD([probe, *model.parameters()], lr=1.0)
    (model(x).c.sum() + probe.sum()).backward(); opt.step()
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items()) and not model.training

def test_early_fusion_tiny_config():
    from transformers import BertConfig
    e = EarlyFusion(grid_dim=12, bert_config=BertConfig(vocab_size=50, **{**L, "num_hidden_layers": 3}, max_position_embeddings=80)).eval()
    assert len(e.bert.encoder.layer) == 2  # the lower two of the config's layers
    b = {"input_ids": torch.randint(0, 50, (2, 5)), "attention_mask": torch.ones(2, 5, dtype=torch.long), "grid": torch.randn(2, 49, 12).half()}
    assert e.image_tokens(b["grid"]).shape == (2, 1 + 9, 32)  # whole-image token + 3x3 pooled grid
    c = e(b); assert c.shape == (2, 64) and e.out_dim == 64  # [CLS] and image-token states
    b2 = {**b, "grid": b["grid"].clone()}; b2["grid"][1] += 1.0
    assert torch.allclose(e(b2)[0], c[0]) and not torch.allclose(e(b2)[1], c[1])  # each item sees only its own image
    with pytest.raises(ValueError, match="square grid"): e.image_tokens(torch.randn(2, 10, 12))

def test_algorithm2_templates():
    from cause.data import Example
    ex = [Example("a", "easy_hm", "train", "x.png", "t", 1, "offensive", "it attacks the blue colour"),
          Example("b", "vqax", "train", "x.png", "t", 0, "living room", "there is a couch")]
    assert algorithm2_targets(ex, [1, 3], ["not offensive", "offensive", "x", "den"]) == [
        "This meme is offensive because it attacks the blue colour.", "The answer is den."]
    assert target_text("esnlive", "neutral", "no info.") == "This pair is neutral because no info."
    with pytest.raises(ValueError, match="no target template"): target_text("mnist", "3")
