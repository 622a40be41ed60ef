"""CAuSE: faithful natural-language explanations for frozen multimodal classifiers through causal abstraction (reference implementation)

Modules:

- `cause.ccmr`: §4, Algorithm 1: counterfactuals for M found in input space, carried into representation space by ν, and the explainer judged on them without ever seeing the counterfactual input.
- `cause.metrics`: §5.2: faithfulness compares the explainer's stated class with M's prediction; plausibility compares its text with the reference targets.
- `cause.train`: One `fit` loop (nanoGPT's shape): AdamW, a pure learning-rate schedule, tqdm with every loss term, an atomic checkpoint each epoch, exact resume, NaN guards, and data parallelism through accelerate."""

__version__ = "0.1.0"
