/**
 * GN: Ghost Networks, skip-connection erosion (Li et al., "Learning Transferable Adversarial Examples
 * via Ghost Networks", AAAI 2020, https://arxiv.org/abs/1812.03413).
 *
 * Every forward pass scales each residual shortcut by λ[c] ~ U[1 − r, 1 + r], drawn per block and
 * per channel and shared across the batch and spatial positions: `out = act(λ ⊙ shortcut + F(x))`.
 * Paper default r = 0.22 (ResNet-50; Gubri et al. 2023 reuse it). r = 0 is the unpatched model.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../data/rng'
import type { ForwardContext } from '../../models/forward-context'

/** λ for one block: `channels` draws in [1 − r, 1 + r]. */
export function drawGhostScales(range: number, channels: number, rng: Rng): Float32Array {
  const scales = new Float32Array(channels)
  for (let c = 0; c < channels; c++) scales[c] = 1 - range + 2 * range * rng.next()
  return scales
}

/** A `transformSkip` for one forward pass; each block draws from its own fork of `rng`. */
export function ghostSkip(range: number, rng: Rng): NonNullable<ForwardContext['transformSkip']> {
  return (blockName, shortcut) => {
    const channels = shortcut.shape[3]
    const scales = tf.tensor4d(drawGhostScales(range, channels, rng.fork(blockName)), [
      1,
      1,
      1,
      channels
    ])
    return tf.mul(shortcut, scales)
  }
}
