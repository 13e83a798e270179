/**
 * TI: Translation-Invariant attack (Dong et al., "Evading Defenses to Transferable Adversarial Examples
 * by Translation-Invariant Attacks", CVPR 2019, https://arxiv.org/abs/1904.02884).
 *
 * Averaging gradients over shifted copies is approximated by convolving the gradient with a kernel:
 * g̃ ← W ⊛ g̃, a depthwise (2k+1)² convolution, zero padding, before the momentum normalisation.
 * Gaussian W_ij ∝ exp(−(i² + j²)/(2σ²)); uniform 1/(2k+1)²; linear ∝ (1 − |i|/(k+1))(1 − |j|/(k+1)).
 * The release's 15×15 kernel sampled at linspace(−3, 3) is σ = k/3 = 7/3 px on 299-px images; on
 * images up to 64 px the app uses σ = 0.5 px, k = ⌊3σ⌋ = 1 (docs/techniques.md says how it was settled).
 */
import * as tf from '@tensorflow/tfjs-core'

export interface TiSettings {
  sigma?: number
  radius?: number
  kernel: 'gaussian' | 'uniform' | 'linear'
}

/** σ and k for an S-pixel image: the settings when given, else the app's defaults. */
export function tiGeometry(settings: TiSettings, side: number): { sigma: number; radius: number } {
  const sigma = settings.sigma ?? (side <= 64 ? 0.5 : 7 / 3)
  // ⌊3σ⌋ gives both kernels the spec states (k = 1 at σ = 0.5, k = 7 at σ = 7/3); ⌈3σ⌉ would give k = 2 at 0.5.
  return { sigma, radius: settings.radius ?? Math.max(1, Math.floor(3 * sigma)) }
}

/** The (2k+1)² weights, row-major, summing to 1. */
export function tiWeights(
  kernel: TiSettings['kernel'],
  sigma: number,
  radius: number
): Float32Array {
  const size = 2 * radius + 1
  const raw = new Float64Array(size * size)
  for (let i = -radius; i <= radius; i++)
    for (let j = -radius; j <= radius; j++) {
      const w =
        kernel === 'gaussian'
          ? Math.exp(-(i * i + j * j) / (2 * sigma * sigma))
          : kernel === 'uniform'
            ? 1
            : (1 - Math.abs(i) / (radius + 1)) * (1 - Math.abs(j) / (radius + 1))
      raw[(i + radius) * size + (j + radius)] = w
    }
  const total = raw.reduce((s, w) => s + w, 0)
  return Float32Array.from(raw, (w) => w / total)
}

/** The filter for images of `side` pixels and `channels` channels; radius 0 is the identity. */
export function translationInvariantFilter(
  settings: TiSettings,
  side: number,
  channels: number
): (g: tf.Tensor4D) => tf.Tensor4D {
  const { sigma, radius } = tiGeometry(settings, side)
  if (radius === 0) return (g) => g
  const size = 2 * radius + 1
  const weights = tiWeights(settings.kernel, sigma, radius)
  const perChannel = new Float32Array(size * size * channels)
  for (let p = 0; p < size * size; p++)
    for (let c = 0; c < channels; c++) perChannel[p * channels + c] = weights[p]
  return (g) =>
    tf.tidy(() =>
      tf.depthwiseConv2d(g, tf.tensor4d(perChannel, [size, size, channels, 1]), 1, 'same')
    )
}
