"""CAuSE: faithful natural-language explanations for frozen multimodal classifiers through causal abstraction (reference implementation)

**CAuSE** (Bandyopadhyay et al., TACL 2026) explains a *frozen* multimodal classifier M = C1 ∘ E in words. The
classifier's representation c = E(z) of an image-text input z is projected by ψ into the first position of a language
model φ, which writes the explanation ("The answer is blue because the triangle in the image is blue."). During
training, an aggregator A turns φ's next-token distributions into a vector F(c), and C2, a copy of C1's
architecture, classifies it. Four losses train ψ, φ, A and C2 while M stays frozen: L_φ (the explanation), L_TS (C2∘F
agrees with C1 on c), L_IIT (C2∘F agrees with C1 under the same interchange interventions) and R_match (C2's weights
stay close to C1's). The claim: the explainer becomes a causal abstraction of M, so its explanations change when M's
decision does. CCMR measures that: counterfactual representations E(z) + ν that flip C1 should flip the class the
explanation states.

Modules:

- `cause.assets`: Real pretrained parts that arrive as Python packages, converted once into a cache that `transformers` loads.
- `cause.ccmr`: §4, Algorithm 1: counterfactuals carried into representation space by ν, calibrated by C1's confidence τ.
- `cause.classifiers`: Backbones E, the classification head C1, training M once, freezing it, and Algorithm 2's targets.
- `cause.cli`: The `cause` command: every choice and default in `--help`, and one-line errors.
- `cause.config`: `settings.ini`, typed run profiles, seeds, devices, fingerprints of saved results and atomic writes.
- `cause.coverage`: Appendix C: how many steps until every neuron has been intervened on, a Monte Carlo check, and a live tracker.
- `cause.data`: One structure for every dataset: image, text, gold label, reference explanation.
- `cause.evaluate`: Every score of one trained explainer: F1, CCMR at each τ, references, leakage, BLEU and BERTScore.
- `cause.explainer`: §3.2: a projection ψ, a language model φ, an aggregator A and a replica C2 of the classifier head.
- `cause.features`: Image and text features from the packaged pretrained encoders, computed once per example and cached.
- `cause.generate`: §5.2: φ explains from ψ(c) alone; the class is parsed from the template's label phrase; infeasible generations are counted.
- `cause.gpu`: The cost of a step per ablation, bare and through `fit`, and `cause gpu-check`.
- `cause.intervention`: Sites, the vanilla swap, IIT sampling plans that can be replayed, and interchange intervention accuracy.
- `cause.lemma1`: Appendix A: with C1 and C2 equal and frozen, IIT alone drives the LLM machinery F to the identity.
- `cause.losses`: §3.3, Eq. 2–6: L_φ, L_TS, L_IIT with interchange interventions, R_match, and the three ablations of Table 2.
- `cause.metrics`: §5.2: faithfulness (F1 against M), plausibility (BLEU, BERTScore) and bootstrap intervals.
- `cause.report`: Tables 2-3 and the reference rows with intervals over items and seeds, and the figures.
- `cause.runner`: Every run of a profile as parameterised notebooks into `runs/`: resumable, locked, fingerprinted.
- `cause.synthetic`: Known class structure, a given C1, a word-level φ: every choice of the method can be tried in minutes on a CPU.
- `cause.train`: One `fit` loop (nanoGPT's shape) on any device and precision, with atomic checkpoints and exact resume."""

__version__ = "0.1.0"
