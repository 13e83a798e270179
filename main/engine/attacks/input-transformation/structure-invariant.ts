/**
 * SIA: Structure Invariant Attack (Wang et al., "Structure Invariant Transformation for better
 * Adversarial Transferability", ICCV 2023, https://arxiv.org/abs/2309.14700).
 *
 * Each copy cuts the image into an s×s grid at random distinct positions and applies one randomly
 * chosen simple operation to each block, keeping the arrangement of blocks (the "structure"). The
 * oracle averages the gradient over N copies (each then through DI when DI is on). The ten ops of the
 * release, on an h×w block: resize to (⌊0.8h⌋+1)×(⌊0.8w⌋+1) and back (bilinear, clipped); circular
 * vertical / horizontal shift; vertical / horizontal flip; 180° rotation; scale by λ ~ U[0, 1); noise
 * U[−16/255, 16/255] then clip; DCT low-pass (top 40 % of frequencies zeroed per axis); dropout p = 0.1
 * rescaled (channel dropout; pixel dropout on one-channel images, spec attacks-more.md §10.2).
 * Cuts, ops and op parameters are per copy and shared by the batch; noise and dropout masks are per
 * element. Defaults N = 20, s = 3, or 2 for images up to 32 px (app choice; docs/techniques.md).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../data/rng'
import type { AttackRng } from '../attack-rng'
import type { CopyGenerator } from '../gradient-oracle'
import { resizeMatrix } from './diverse-inputs'
import { dctLowPass, spatialMap } from './spatial-map'

export const SIA_OPS = [
  'resize',
  'vshift',
  'hshift',
  'vflip',
  'hflip',
  'rot180',
  'scale',
  'noise',
  'dct',
  'dropout'
] as const
export type SiaOp = (typeof SIA_OPS)[number] | 'identity'

/** s − 1 distinct cuts in 1 … size − 1, sorted, framed by 0 and size (fewer when the side is too short). */
export function siaCuts(size: number, grid: number, rng: Rng): number[] {
  const inner = rng
    .shuffle(Array.from({ length: size - 1 }, (_, i) => i + 1))
    .slice(0, Math.min(grid - 1, size - 1))
  return [0, ...inner.sort((a, b) => a - b), size]
}

/** Circular shift of `by` along `axis` (1 rows, 2 columns). */
function roll(x: tf.Tensor4D, by: number, axis: 1 | 2): tf.Tensor4D {
  const n = x.shape[axis]
  if (by % n === 0) return x
  const begin = [0, 0, 0, 0]
  begin[axis] = n - by
  const size = [-1, -1, -1, -1]
  size[axis] = by
  const tail = tf.slice(x, begin, size)
  const headSize = [-1, -1, -1, -1]
  headSize[axis] = n - by
  return tf.concat([tail, tf.slice(x, [0, 0, 0, 0], headSize)], axis)
}

/** Applies one op to a block; its parameters come from `rng` (shared by the batch), masks from seeded draws. */
export function applySiaOp(op: SiaOp, block: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const [, h, w, c] = block.shape
  switch (op) {
    case 'identity':
      return block
    case 'resize': {
      const sh = Math.floor(0.8 * h) + 1
      const sw = Math.floor(0.8 * w) + 1
      const small = spatialMap(block, resizeMatrix(sh, h), sh, resizeMatrix(sw, w), sw)
      return tf.clipByValue(
        spatialMap(small, resizeMatrix(h, sh), h, resizeMatrix(w, sw), w),
        0,
        1
      ) as tf.Tensor4D
    }
    case 'vshift':
      return roll(block, rng.int(h), 1)
    case 'hshift':
      return roll(block, rng.int(w), 2)
    case 'vflip':
      return tf.reverse(block, 1)
    case 'hflip':
      return tf.reverse(block, 2)
    case 'rot180':
      return tf.reverse(block, [1, 2])
    case 'scale':
      return tf.mul(block, rng.next()) as tf.Tensor4D
    case 'noise':
      return tf.clipByValue(
        tf.add(block, tf.randomUniform(block.shape, -16 / 255, 16 / 255, 'float32', rng.seed())),
        0,
        1
      ) as tf.Tensor4D
    case 'dct':
      return spatialMap(block, dctLowPass(h, 0.4), h, dctLowPass(w, 0.4), w)
    case 'dropout': {
      const maskShape: [number, number, number, number] =
        c === 1 ? block.shape : [block.shape[0], 1, 1, c]
      const keep = tf.cast(
        tf.greaterEqual(tf.randomUniform(maskShape, 0, 1, 'float32', rng.seed()), 0.1),
        'float32'
      )
      return tf.div(tf.mul(block, keep), 0.9) as tf.Tensor4D
    }
  }
}

/** One SIA copy of z with the draws of `rng`. */
export function structureInvariantCopy(
  z: tf.Tensor4D,
  grid: number,
  rng: Rng,
  ops: readonly SiaOp[] = SIA_OPS
): tf.Tensor4D {
  const [, h, w] = z.shape
  const rows = siaCuts(h, grid, rng)
  const cols = siaCuts(w, grid, rng)
  const strips: tf.Tensor4D[] = []
  for (let p = 0; p + 1 < rows.length; p++) {
    const blocks: tf.Tensor4D[] = []
    for (let q = 0; q + 1 < cols.length; q++) {
      const block = tf.slice(
        z,
        [0, rows[p], cols[q], 0],
        [-1, rows[p + 1] - rows[p], cols[q + 1] - cols[q], -1]
      )
      blocks.push(applySiaOp(ops[rng.int(ops.length)], block, rng))
    }
    strips.push(blocks.length === 1 ? blocks[0] : tf.concat(blocks, 2))
  }
  return strips.length === 1 ? strips[0] : tf.concat(strips, 1)
}

export function structureInvariantGenerator(
  settings: { grid?: number; copies: number; ops?: readonly string[] },
  side: number,
  rng: AttackRng
): CopyGenerator {
  const grid = settings.grid ?? (side <= 32 ? 2 : 3)
  const ops = (settings.ops ?? SIA_OPS) as readonly SiaOp[]
  return {
    count: settings.copies,
    copy: (z, k, t, call) => structureInvariantCopy(z, grid, rng.at('sia', t, call, k), ops)
  }
}
