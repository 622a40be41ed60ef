"""CAuSE: faithful natural-language explanations for frozen multimodal classifiers through causal abstraction (reference implementation)

Modules:

- `cause.train`: One `fit` loop (nanoGPT's shape): AdamW, a pure learning-rate schedule, tqdm with every loss term, an atomic checkpoint each epoch, exact resume, NaN guards, and data parallelism through accelerate."""

__version__ = "0.1.0"
