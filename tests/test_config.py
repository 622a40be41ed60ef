"""One configuration path: profiles reach every part, the data seed is part of M's key, the authors'
switches from settings.ini alone, the README's settings table, the command line's help and its
one-line errors."""

import json, os, subprocess, sys
import pytest
from conftest import ROOT, scratch_settings
from cause.config import DataConfig, settings_table
from cause.store import classifier_dir


@pytest.fixture
def tmp_settings(tmp_path):
    """The repository's settings.ini with the cache (assets only), runs and figures in a temporary
    folder."""
    return scratch_settings(tmp_path)


def test_the_data_seed_is_part_of_ms_key(tmp_settings):
    from cause.classifiers import classifier_config
    from cause.data import load_task

    p = tmp_settings.profile("smoke")
    keys = []
    for data_seed in (42, 7):  # CAUSE_RUNTIME_SEED=7 builds another easy suite…
        td = load_task("easy_vqax", tmp_settings, DataConfig(seed=data_seed, easy_scale=0.02))
        keys.append(
            classifier_dir(
                tmp_settings,
                "easy_vqax",
                "late_fusion",
                42,
                classifier_config(td, "late_fusion", p, 42),
            )
        )
    assert keys[0] != keys[1]  # …so the M trained on the seed-42 data is never reused for it


def test_official_profile_trains_with_the_authors_switches(tmp_settings):
    from cause.train import CHECKPOINT, load_checkpoint, train_explainer

    tiny = {
        "explainer.lm": "gpt2-tiny",
        "data.easy_scale": 0.02,
        "data.max_train": 16,
        "data.max_test": 8,
        "m.epochs": 1,
        "train.epochs": 1,
        "train.batch_size": 8,
        "explainer.max_target_len": 16,
        "decode.max_new_tokens": 4,
    }
    p = tmp_settings.profile("official", tiny)
    train_explainer("easy_vqax", "late_fusion", "cause", p, tmp_settings, seed=0)
    made = load_checkpoint(
        tmp_settings.runs_dir / "official/easy_vqax/late_fusion/cause/seed0" / CHECKPOINT
    )["made_by"]
    assert (
        made["explainer"].items()
        >= {
            "psi": "linear",
            "psi_norm": "none",
            "agg": "linear",
            "agg_mask_pads": False,
            "c2_init": "random",
            "lm_dropout": False,
        }.items()
    )
    assert (
        made["loss"].items()
        >= {
            "ts": "ce",
            "rmatch": "official",
            "iit_replacement": True,
            "iit_text": "source",
            "p_logit_site": 0.5,
        }.items()
    )
    assert (
        made["train"]["lr"] == 1e-4 and made["train"]["batch_size"] == 8
    )  # the paper's lr, the smoke-sized batch
    assert (
        made["explainer"]["agg_input"] == "probs" and made["data"]["missing_explanation"] == "drop"
    )


@pytest.mark.parametrize(
    "task,backbone,want",
    [
        (
            "hateful_memes",
            "visualbert",
            dict(ae_epochs=500, ae_lr=1e-4, ae_hidden=1024, ae_per_class=True, ae_batch_size=32),
        ),
        (
            "vqax",
            "visualbert",
            dict(ae_epochs=150, ae_lr=1e-4, ae_hidden=1024, ae_per_class=False, ae_batch_size=128),
        ),
        ("vqax", "flava", dict(ae_epochs=150, ae_per_class=False, ae_batch_size=32)),
        ("esnlive", "clip_mfb", dict(ae_epochs=500, ae_lr=1e-3, ae_hidden=0, ae_per_class=True)),
        ("esnlive", "qwen2vl", dict(ae_epochs=150, ae_per_class=False, ae_batch_size=4)),
    ],
)
def test_official_autoencoder_values_per_dataset_and_backbone(tmp_settings, task, backbone, want):
    """The authors' CCMR autoencoder depends on the dataset and backbone; the official profile says
    so in settings.ini.
    """
    ccmr = tmp_settings.profile("official").at(task, backbone).ccmr
    assert ccmr.solver == "autoencoder" and {k: getattr(ccmr, k) for k in want} == want


def test_the_sites_settings_page_is_the_settings_table(tmp_path):
    "The site's Settings page is made from the code (`cause settings`), so it cannot drift from it."
    sys.path.insert(0, str(ROOT / "tools"))
    from build_docs import reference_pages

    names = reference_pages(tmp_path)
    assert "settings" in names and settings_table() in (tmp_path / "settings.md").read_text()
    assert {"guide"} <= set(names)


def test_help_shows_choices_and_defaults_and_version_exists():
    cli = [sys.executable, "-m", "cause.cli"]
    out = subprocess.run(cli + ["train", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
    for expected in (
        "{phi,phi_ts,cause,ft_z}",
        "easy_vqax",
        "qwen2vl",
        "smoke",
        "paper-tiny",
        "(default: cause)",
        "(default: cpu)",
    ):
        assert expected in out, expected
    ver = subprocess.run(cli + ["--version"], capture_output=True, text=True, cwd=ROOT)
    assert ver.returncode == 0 and ver.stdout.startswith("cause ")


def test_a_hub_model_with_no_network_fails_at_once_naming_the_setting(tmp_settings):
    env = {
        k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    }
    cmd = [
        sys.executable,
        "-m",
        "cause.cli",
        "--settings",
        str(tmp_settings.file),
        "train",
        "--profile",
        "smoke",
        "--set",
        "explainer.lm=gpt2",
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert r.returncode == 2, r.stderr[-2000:]
    assert "explainer.lm = 'gpt2' is a hub model" in r.stderr and "smollm2" in r.stderr
    assert "Traceback" not in r.stderr


def test_an_unwritable_runs_folder_gives_one_line(tmp_path):
    from cause.cli import main

    s = tmp_path / "settings.ini"
    s.write_text(
        f"[paths]\nruns_dir = /sys/cause-runs\n[profile.t]\n"
    )  # /sys refuses new folders, even to root
    r = subprocess.run(
        [sys.executable, "-m", "cause.cli", "--settings", str(s), "train", "--profile", "t"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0, r.stderr
    assert "cannot write /sys/cause-runs" in r.stderr and "permission denied" in r.stderr


def test_readme_embeds_the_index_symbol_table():
    "The paper-symbol table of nbs/index.ipynb and the README's copy are the same."
    import re

    nb = json.loads((ROOT / "nbs" / "index.ipynb").read_text())
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    block = re.search(r"<!-- symbols:start -->.*?<!-- symbols:end -->", md, re.S)
    assert block and block.group(0) in (ROOT / "README.md").read_text(), (
        "copy the symbol table of nbs/index.ipynb"
    )


def test_readme_tables_have_headers():
    "Every Markdown table of the README opens with a header row and its `|---|` separator."
    lines = (ROOT / "README.md").read_text().splitlines()
    starts = [
        i for i, s in enumerate(lines) if s.startswith("|") and not lines[i - 1].startswith("|")
    ]
    assert starts, "the README has no table"
    for i in starts:
        cells = lines[i].count("|")
        sep = lines[i + 1]
        assert set(sep) <= set("|-: ") and sep.count("|") == cells, (
            f"README.md line {i + 1}: a table without a header row and separator: {lines[i][:60]}"
        )
