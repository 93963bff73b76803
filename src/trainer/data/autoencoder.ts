// Autoencoder data for a reconstruction loss (`loss(x_hat, x)`, `loss(decoded, batch)`): the target is the input.
// The inputs lie near a low-dimensional surface (a few latent factors through tanh, plus a little noise), as
// images and signals do, so a model with a narrow hidden layer or a VAE's latent can rebuild them; Gaussian noise
// in every feature could not be compressed at all.
import type { Dataset } from './dataset';
import { createRng } from './prng';

/** Latent factors behind the features. */
const FACTORS = 3;

export function autoencoderData(o: { samples: number; features: number; seed: number; why: string; binary: boolean }): Dataset {
  const rng = createRng(o.seed);
  const mix = Float64Array.from({ length: FACTORS * o.features }, () => (1.5 * rng.normal()) / Math.sqrt(FACTORS));
  const x = new Float32Array(o.samples * o.features);
  const factors = new Float64Array(FACTORS);
  for (let i = 0; i < o.samples; i++) {
    for (let f = 0; f < FACTORS; f++) factors[f] = rng.normal();
    for (let j = 0; j < o.features; j++) {
      let s = 0;
      for (let f = 0; f < FACTORS; f++) s += factors[f]! * mix[f * o.features + j]!;
      const v = Math.tanh(s) + 0.05 * rng.normal();
      // A loss on probabilities (binary cross-entropy on images) gets inputs in [0, 1].
      x[i * o.features + j] = o.binary ? Math.min(1, Math.max(0, (v + 1) / 2)) : v;
    }
  }
  return {
    x,
    y: x.slice(),
    samples: o.samples,
    features: o.features,
    targets: o.features,
    outputs: o.features,
    description: `synthetic autoencoder data: target = input (${o.why}); ${o.samples} samples × ${o.features} features from ${FACTORS} latent factors${o.binary ? ' in [0, 1]' : ''}, seed ${o.seed}`,
  };
}
