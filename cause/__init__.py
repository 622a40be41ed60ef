"""CAuSE: faithful explanations of frozen multimodal classifiers by causal abstraction

**CAuSE** (Bandyopadhyay et al., TACL 2026) explains a *frozen* multimodal classifier M = C1 ∘ E
in words. The classifier's representation c = E(z) of an image-text input z is projected by ψ into
the first position of a language model φ, which writes the explanation ("The answer is blue
because the triangle in the image is blue."). During training, an aggregator A turns φ's
next-token distributions into a vector F(c), and C2, a copy of C1's architecture, classifies it.
Four losses train ψ, φ, A and C2 while M stays frozen: L_φ (the explanation), L_TS (C2∘F agrees
with C1 on c), L_IIT (C2∘F agrees with C1 under the same interchange interventions) and R_match
(C2's weights stay close to C1's). The claim: the explainer becomes a causal abstraction of M, so
its explanations change when M's decision does. CCMR measures that: counterfactual representations
E(z) + ν that flip C1 should flip the class the explanation states.

Modules:

- `cause.assets`: Pretrained parts from Python packages, converted once for `transformers`.
- `cause.attribution`: §5.5: LIME's words and image regions behind M's decision, cached; heatmaps.
- `cause.attribution_benchmark`: Table X: attribution methods at matched size on one M.
- `cause.baselines`: §5.3, Table 5: prompted models and the input-grounded FT row.
- `cause.ccmr`: §4, Algorithm 1: counterfactual ν in c's space, calibrated by τ.
- `cause.ciem`: Liu et al.: an identifiable VAE over the latent causes of M's attention.
- `cause.cimi`: Wu et al. (KDD'23): an interpreter trained on the frozen M with causal losses.
- `cause.classifiers`: Backbones E, the head C1, training M once and freezing it; Algorithm 2.
- `cause.cli`: The `cause` command: every choice and default in `--help`.
- `cause.config`: `settings.ini`, typed profiles and the settings of every run.
- `cause.coverage`: Appendix C: steps until every neuron is intervened on.
- `cause.data`: One structure for every dataset: image, text, gold label, explanation.
- `cause.evaluate`: Every score of one trained explainer, with intervals and references.
- `cause.explainer`: §3.2: the projection ψ, the LM φ, the aggregator A and the replica C2.
- `cause.features`: Frozen image and text features, computed once per example and cached.
- `cause.generate`: §5.2: φ explains from ψ(c) alone; the label phrase gives the class.
- `cause.gpu`: The cost of a step per ablation, and `cause gpu-check`.
- `cause.humaneval`: §5.4, Table 4: a blinded rating page, annotators' CSVs, means and Cohen's κ.
- `cause.intervention`: Sites, the swap, replayable IIT plans, and intervention accuracy.
- `cause.judging`: §5.5, Table 7: the tournament, its judges, position bias, Cohen's κ.
- `cause.lemma1`: Appendix A: with C1 = C2 frozen, IIT drives F to the identity.
- `cause.losses`: §3.3, Eq. 2–6: L_φ, L_TS, L_IIT, R_match and Table 2's ablations.
- `cause.memes`: Appendix D: meme prompts, post-edit BERTScore groups, Table 9's ratings.
- `cause.metrics`: §5.2: faithfulness, plausibility (BLEU, BERTScore) and intervals.
- `cause.qualitative`: Figures 3-6 and Table 6, picked from the runs' records by stated rules.
- `cause.report`: Tables 2, 3 and 5, the reference rows and the figures.
- `cause.rex`: The authors' `rex-xai` on the frozen M: causal responsibility over image and words.
- `cause.runner`: A profile's runs as notebooks in `runs/`: resumable, locked, fingerprinted.
- `cause.store`: Run folders, fingerprints, atomic writes, locks, tables and figures.
- `cause.synthetic`: Known classes, a given C1, a word-level φ: the method in minutes.
- `cause.train`: One `fit` loop on any device and precision, with exact resume.
- `cause.units`: Units every attribution method scores, one removal operator, the measures."""

__version__ = "0.1.0"
