/**
 * BSR: Block Shuffle and Rotation (Wang et al., "Boosting Adversarial Transferability by Block Shuffle
 * and Rotation", CVPR 2024, https://arxiv.org/abs/2308.10299).
 *
 * Each copy splits the image into n×n blocks of random lengths (each ≥ 2 px), shuffles the block rows
 * and the block columns (one column split and permutation for every row strip, as the paper's TF
 * release does) and turns every block about its centre by θ ~ U[−τ, τ] drawn per block and per
 * example (bilinear, zero fill). The oracle averages the gradient over N copies. Defaults n = 2,
 * N = 20, τ = 24°. The whole copy is a per-example linear map of pixels, applied as four weighted
 * gathers (GatherV2 has a gradient; tfjs registers none for its rotation ops, spec attacks-more.md §8).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../data/rng'
import type { AttackRng } from '../attack-rng'
import type { CopyGenerator } from '../gradient-oracle'

/** n random lengths summing to `size`, each ≥ 2 (redrawn; an equal split when that keeps failing). */
export function splitLengths(size: number, n: number, rng: Rng): number[] {
  if (n === 1) return [size]
  for (let attempt = 0; attempt < 100; attempt++) {
    const u = Array.from({ length: n }, () => rng.next() + 1e-9)
    const total = u.reduce((s, v) => s + v, 0)
    const lengths = u.map((v) => Math.round((v * size) / total))
    const largest = lengths.indexOf(Math.max(...lengths))
    lengths[largest] += size - lengths.reduce((s, v) => s + v, 0)
    if (lengths.every((l) => l >= 2)) return lengths
  }
  const base = Math.floor(size / n)
  return Array.from({ length: n }, (_, i) => base + (i < size - base * n ? 1 : 0))
}

/** The bilinear sampling weights of one copy: 4 source indices and weights per output pixel, over B·H·W. */
export interface PixelSampler {
  indices: Int32Array[]
  weights: Float32Array[]
}

/** One copy's sampler: block geometry and permutations from `rng` (batch-shared), angles per block per example. */
export function bsrSampler(
  batch: number,
  height: number,
  width: number,
  grid: number,
  maxAngleDeg: number,
  rng: Rng
): PixelSampler {
  const rowLengths = splitLengths(height, grid, rng)
  const colLengths = splitLengths(width, grid, rng)
  const rowOrder = rng.shuffle(rowLengths.map((_, i) => i))
  const colOrder = rng.shuffle(colLengths.map((_, i) => i))
  const starts = (lengths: number[]): number[] =>
    lengths.map((_, i) => lengths.slice(0, i).reduce((s, v) => s + v, 0))
  const rowStart = starts(rowLengths)
  const colStart = starts(colLengths)
  const n = batch * height * width
  const indices = [0, 1, 2, 3].map(() => new Int32Array(n))
  const weights = [0, 1, 2, 3].map(() => new Float32Array(n))
  for (let b = 0; b < batch; b++) {
    let outRow = 0
    for (const p of rowOrder) {
      let outCol = 0
      for (const q of colOrder) {
        const h = rowLengths[p]
        const w = colLengths[q]
        const theta = maxAngleDeg === 0 ? 0 : ((2 * rng.next() - 1) * maxAngleDeg * Math.PI) / 180
        const cos = Math.cos(theta)
        const sin = Math.sin(theta)
        const cy = (h - 1) / 2
        const cx = (w - 1) / 2
        for (let u = 0; u < h; u++)
          for (let v = 0; v < w; v++) {
            // Source position inside the source block of output pixel (u, v), rotated about the centre.
            const sy = cy + cos * (u - cy) + sin * (v - cx)
            const sx = cx - sin * (u - cy) + cos * (v - cx)
            const out = (b * height + outRow + u) * width + outCol + v
            const y0 = Math.floor(sy + 1e-9)
            const x0 = Math.floor(sx + 1e-9)
            const fy = Math.max(0, sy - y0)
            const fx = Math.max(0, sx - x0)
            const corners: [number, number, number][] = [
              [y0, x0, (1 - fy) * (1 - fx)],
              [y0, x0 + 1, (1 - fy) * fx],
              [y0 + 1, x0, fy * (1 - fx)],
              [y0 + 1, x0 + 1, fy * fx]
            ]
            corners.forEach(([yy, xx, weight], k) => {
              const inside = yy >= 0 && yy < h && xx >= 0 && xx < w && weight > 0
              indices[k][out] = inside
                ? (b * height + rowStart[p] + yy) * width + colStart[q] + xx
                : 0
              weights[k][out] = inside ? weight : 0
            })
          }
        outCol += w
      }
      outRow += rowLengths[p]
    }
  }
  return { indices, weights }
}

/** out[o] = Σ_k w_k[o]·z[idx_k[o]] per channel, on host arrays (`transpose` scatters instead of gathering). */
function sample(
  sampler: PixelSampler,
  from: Float32Array | Int32Array | Uint8Array,
  channels: number,
  transpose: boolean
): Float32Array {
  const out = new Float32Array(from.length)
  const pixels = sampler.indices[0].length
  for (let k = 0; k < 4; k++) {
    const idx = sampler.indices[k]
    const w = sampler.weights[k]
    for (let o = 0; o < pixels; o++) {
      const weight = w[o]
      if (weight === 0) continue
      const a = o * channels
      const b = idx[o] * channels
      for (let c = 0; c < channels; c++) {
        if (transpose) out[b + c] += weight * from[a + c]
        else out[a + c] += weight * from[b + c]
      }
    }
  }
  return out
}

/**
 * Applies a sampler, differentiable with respect to z. Forward and backward run on host arrays: the
 * gradient of a gather is a scatter, which the cpu backend computes one segment at a time (slow for
 * every pixel), whereas the transpose of this sparse map is one pass.
 */
export function applySampler(z: tf.Tensor4D, sampler: PixelSampler): tf.Tensor4D {
  const channels = z.shape[3]
  const op = tf.customGrad((...inputs) => {
    const input = inputs[0] as tf.Tensor4D
    return {
      value: tf.tensor4d(sample(sampler, input.dataSync(), channels, false), input.shape),
      gradFunc: (dy: tf.Tensor) =>
        tf.tensor4d(sample(sampler, dy.dataSync(), channels, true), input.shape)
    }
  })
  return op(z) as tf.Tensor4D
}

export function blockShuffleRotationGenerator(
  settings: { grid: number; copies: number; maxAngle: number },
  rng: AttackRng
): CopyGenerator {
  return {
    count: settings.copies,
    copy: (z, k, t, call) => {
      const [b, h, w] = z.shape
      return applySampler(
        z,
        bsrSampler(b, h, w, settings.grid, settings.maxAngle, rng.at('bsr', t, call, k))
      )
    }
  }
}
