"""CAuSE: faithful natural-language explanations for frozen multimodal classifiers through causal abstraction (reference implementation)

Modules:

- `cause.ccmr`: §4, Algorithm 1: counterfactuals for M found in input space, carried into representation space by ν, and the explainer judged on them without ever seeing the counterfactual input.
- `cause.evaluate`: Table 2 (F1, CCMR, % gen., Composite CCMR) and Table 3 (BLEU-1…4, BERTScore) for one run, with counts, per-example records and bootstrap intervals.
- `cause.metrics`: §5.2: faithfulness compares the explainer's stated class with M's prediction; plausibility compares its text with the reference targets.
- `cause.runner`: Every (dataset, backbone, ablation, seed) of a profile, executed as parameterised notebooks into `runs/`, resumable, with a failed cell reported by notebook path.
- `cause.train`: One `fit` loop (nanoGPT's shape): AdamW, a pure learning-rate schedule, tqdm with every loss term, an atomic checkpoint each epoch, exact resume, NaN guards, and data parallelism through accelerate."""

__version__ = "0.1.0"
